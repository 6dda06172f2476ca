import type { Redis } from 'ioredis';
import { sendJson } from './respond.js';
import type { Route } from './server.js';

/** PING within a second; a connection that is not up answers false at once instead of queueing the PING. */
export async function redisAnswers(redis: Redis): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  return Promise.race([
    redis.ping().then(
      (p) => p === 'PONG',
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), 1000).unref()),
  ]);
}

/** What this process needs before it takes work (templates loaded, its worker running), each a live check. */
export class Readiness {
  private readonly checks = new Map<string, () => boolean>();

  /** Registers (or replaces) a part the process is not ready without. */
  require(name: string, check: () => boolean): void {
    this.checks.set(name, check);
  }

  state(): Record<string, boolean> {
    return Object.fromEntries([...this.checks].map(([name, check]) => [name, check()]));
  }
}

/** Liveness: Redis answers. */
export function healthRoute(redis: Redis): Route {
  return {
    method: 'GET',
    path: /^\/healthz$/,
    async handle(_req, res) {
      const ok = await redisAnswers(redis);
      // i18n-exempt: a probe's status value, read by orchestrators and monitoring, stable as an API
      sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'redis does not answer' });
    },
  };
}

// i18n-exempt: a probe's status value, read by orchestrators and monitoring, stable as an API
const NOT_READY = 'not ready';

/** Readiness: Redis answers and every required part is up; a 503 names what is not. */
export function readyRoute(redis: Redis, readiness: Readiness): Route {
  return {
    method: 'GET',
    path: /^\/readyz$/,
    async handle(_req, res) {
      const parts = { redis: await redisAnswers(redis), ...readiness.state() };
      const ready = Object.values(parts).every(Boolean);
      const missing = Object.fromEntries(Object.entries(parts).filter(([, ok]) => !ok));
      sendJson(res, ready ? 200 : 503, ready ? { status: 'ready', ...parts } : { status: NOT_READY, ...missing });
    },
  };
}
