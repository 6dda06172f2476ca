import type { Redis } from 'ioredis';
import { sendJson } from './respond.js';
import type { Route } from './server.js';

export function healthRoute(redis: Redis): Route {
  return {
    method: 'GET', path: /^\/healthz$/,
    async handle(_req, res) {
      const ok = await Promise.race([
        redis.ping().then((p) => p === 'PONG', () => false),
        new Promise<boolean>((r) => setTimeout(() => r(false), 1000).unref()),
      ]);
      sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'redis does not answer' });
    },
  };
}
