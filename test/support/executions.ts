import type { Redis } from 'ioredis';
import type { Execution } from '../../src/engine/types.js';

/** A stored execution made by hand (it never runs), the n-th of a test's history. */
export function made(n: number, over: Partial<Execution> = {}, base = Date.parse('2020-01-01T00:00:00Z')): Execution {
  const createDate = new Date(base + n * 1000).toISOString();
  return {
    id: `exec-${(0x100000 + n).toString(16)}`,
    templateName: 'tpl',
    templateVersion: 'v1',
    parameters: {},
    status: 'Success',
    tasks: {},
    origin: { platform: 'api' },
    mode: 'Automatic',
    owner: 'alice',
    createDate,
    updateDate: createDate,
    ...over,
  };
}

/**
 * Every command Redis runs on keys of `prefix`, from MONITOR (other tests may share the Redis).
 * `settle()` waits until Redis has shown everything sent so far.
 */
export async function watchCommands(redis: Redis, prefix: string) {
  // The monitoring connection sends nothing on connect but MONITOR: a reply to ioredis's ready check
  // (INFO) or its CLIENT SETINFO can come after the first monitored lines of a busy Redis and fail
  // the queue ("Command queue state error", bullmq#2505).
  const base = redis.duplicate({ enableReadyCheck: false, disableClientInfo: true });
  const monitor = await base.monitor();
  const seen: string[][] = [];
  let mark = '';
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args[0]?.toLowerCase() === 'echo') mark = args[1] ?? '';
    else if (args.some((a) => a.includes(prefix))) seen.push(args);
  });
  return {
    reset: () => seen.splice(0),
    commands: () => [...seen],
    /** GETs of execution documents: what a list reads per execution. */
    docReads: () => seen.filter(([c, k]) => c?.toLowerCase() === 'get' && k?.endsWith(':execution:doc')).length,
    async settle() {
      const m = `${prefix}-${Math.random()}`;
      await redis.echo(m);
      for (let i = 0; i < 200 && mark !== m; i++) await new Promise((r) => setTimeout(r, 10));
    },
    close: () => {
      monitor.disconnect();
      base.disconnect();
    },
  };
}
