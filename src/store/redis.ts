import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { Cluster, Redis } from 'ioredis';
import type { RedisTarget } from '../config/redis-env.js';
import { ConfigError } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { Logger } from '../log.js';
import { coalesceWrites } from './coalesce.js';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

export interface RedisHandle {
  url: string;
  /** Stops the embedded redis-server, when opsgate started one. */
  stop(): Promise<void>;
}

/**
 * Opens a connection with the options BullMQ needs (blocking commands must not time out): to one Redis
 * (a URL), to a Redis Cluster, or to the primary Redis Sentinel names (followed across failovers).
 * A Cluster is handed on as a `Redis`: ioredis gives both the same commands, scripts, pipelines and
 * `duplicate()`; what differs (SCAN per node, pipelines per slot) is handled where it is used
 * (`deletePrefix`, store/batch.ts), by `isCluster`. Its writes sent together leave together (coalesce.ts);
 * a `duplicate()` of it is given the same by `coalesceWrites`.
 */
export function connect(target: RedisTarget | string): Redis {
  return coalesceWrites(open(target));
}

function open(target: RedisTarget | string): Redis {
  const base = { maxRetriesPerRequest: null, lazyConnect: false } as const;
  if (typeof target === 'string' || target.kind === 'url')
    return new Redis(typeof target === 'string' ? target : (target.url ?? DEFAULT_URL), base);
  const { username, password } = target.auth;
  const tls = target.auth.tls ? { ...(target.auth.caFile ? { ca: readFileSync(target.auth.caFile) } : {}) } : undefined;
  if (target.kind === 'cluster')
    return new Cluster(target.nodes, {
      redisOptions: { ...base, username, password, tls },
    }) as unknown as Redis;
  return new Redis({
    ...base,
    sentinels: target.sentinels,
    name: target.name,
    username,
    password,
    sentinelPassword: target.sentinelPassword,
    tls,
    enableTLSForSentinelMode: !!tls,
    sentinelTLS: tls,
  });
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

/**
 * Deletes every key under a prefix (tests, and `opsgate` resets): SCAN, never KEYS; on a Cluster, on
 * every primary, one key a command (keys of one node may sit in different slots).
 */
export async function deletePrefix(redis: Redis, pattern: string): Promise<number> {
  const nodes = redis.isCluster ? (redis as unknown as Cluster).nodes('master') : [redis];
  let n = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (!found.length) continue;
      if (!redis.isCluster) n += await node.unlink(...found);
      else {
        const p = node.pipeline();
        for (const key of found) p.unlink(key);
        for (const [, count] of (await p.exec()) ?? []) n += Number(count ?? 0);
      }
    } while (cursor !== '0');
  }
  return n;
}
