import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { ConfigError } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { Logger } from '../log.js';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

export interface RedisHandle {
  url: string;
  /** Stops the embedded redis-server, when opsgate started one. */
  stop(): Promise<void>;
}

/** Opens a connection with the options BullMQ needs (blocking commands must not time out). */
export function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

async function answers(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/**
 * The Redis of CONTRACT.md: REDIS_URL when set; else 127.0.0.1:6379 when it answers; else a
 * redis-server spawned from PATH with its data in .opsgate/redis/, stopped when opsgate exits.
 */
export async function ensureRedis(configured: string | undefined, log: Logger): Promise<RedisHandle> {
  if (configured) return { url: configured, stop: async () => {} };
  if (await answers(DEFAULT_URL)) return { url: DEFAULT_URL, stop: async () => {} };
  if (spawnSync('redis-server', ['--version']).error) {
    throw new ConfigError(msg('store:noRedis'));
  }
  const dir = resolve('.opsgate/redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await answers(url)); i++) await new Promise((r) => setTimeout(r, 50));
  if (child.exitCode !== null || !(await answers(url)))
    throw new ConfigError(msg('store:redisDidNotStart', { port: String(port) }));
  log.info({ url, dir }, 'started an embedded redis-server');
  const stopOnExit = () => child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  return {
    url,
    stop: async () => {
      process.off('exit', stopOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Deletes every key under a prefix (tests, and `opsgate` resets): SCAN, never KEYS. */
export async function deletePrefix(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (found.length) n += await redis.unlink(...found);
  } while (cursor !== '0');
  return n;
}
