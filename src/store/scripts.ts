import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChainableCommander, Redis } from 'ioredis';
import { OpsgateError } from '../errors.js';
import { records } from './batch.js';
import { msg } from '../i18n/index.js';

/**
 * Every `lua/NAME-NKEYS.lua` becomes a command on the connection (EVALSHA with an EVAL fallback,
 * by ioredis); callers only build the key and argument lists.
 */
const dir = fileURLToPath(new URL('./lua/', import.meta.url));
const sources = new Map<string, { keys: number; lua: string }>();
for (const file of readdirSync(dir)) {
  const m = /^(.+)-(\d+)\.lua$/.exec(file);
  if (m) sources.set(m[1]!, { keys: Number(m[2]), lua: readFileSync(dir + file, 'utf8') });
}

export type ScriptName =
  | 'template-put'
  | 'execution-save'
  | 'cas'
  | 'ticket-create'
  | 'level-activate'
  | 'level-put'
  | 'ballot'
  | 'ticket-close'
  | 'ticket-approvers'
  | 'index-status';

/** The script's command on this connection (and its pipelines), defined the first time. */
function commandOf(redis: Redis, name: ScriptName, keys: string[]): string {
  const source = sources.get(name);
  if (!source) throw new OpsgateError('InternalError', msg('store:noScript', { name }), 500);
  if (keys.length !== source.keys) throw new Error(`script ${name} takes ${source.keys} keys, got ${keys.length}`);
  const command = `opsgate:${name}`;
  if (!Reflect.get(redis, command)) redis.defineCommand(command, { numberOfKeys: source.keys, lua: source.lua });
  return command;
}

export async function runScript<T>(
  redis: Redis,
  name: ScriptName,
  keys: string[],
  args: (string | number | Buffer)[],
): Promise<T> {
  const command = commandOf(redis, name, keys);
  return (Reflect.get(redis, command) as (...a: unknown[]) => Promise<T>).call(redis, ...keys, ...args);
}

/**
 * The same, queued in a pipeline of `redis` (its reply comes with the pipeline's). The command is
 * the connection's, called on the pipeline: one made before the script was first defined lacks it.
 */
export function queueScript(
  redis: Redis,
  p: ChainableCommander,
  name: ScriptName,
  keys: string[],
  args: (string | number | Buffer)[],
): void {
  const command = commandOf(redis, name, keys);
  // A recording batch (store/batch.ts) takes the call by name and sends it later.
  if (records(p)) (Reflect.get(p, command) as (...a: unknown[]) => unknown)(...keys, ...args);
  else (Reflect.get(redis, command) as (...a: unknown[]) => unknown).call(p, ...keys, ...args);
}
