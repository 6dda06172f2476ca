import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

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
  | 'ticket-approvers';

export async function runScript<T>(
  redis: Redis,
  name: ScriptName,
  keys: string[],
  args: (string | number)[],
): Promise<T> {
  const source = sources.get(name);
  if (!source) throw new Error(`no Lua script ${name}`);
  if (keys.length !== source.keys) throw new Error(`script ${name} takes ${source.keys} keys, got ${keys.length}`);
  const command = `opsgate:${name}`;
  const r = redis as unknown as Record<string, (...a: unknown[]) => Promise<T>>;
  if (!r[command]) redis.defineCommand(command, { numberOfKeys: source.keys, lua: source.lua });
  return r[command]!(...keys, ...args);
}
