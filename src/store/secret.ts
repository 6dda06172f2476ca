import { randomBytes } from 'node:crypto';
import type { Runtime } from '../bin/runtime.js';

/** OPSGATE_SECRET, or one generated once and kept in Redis, so every process signs alike. */
export async function secretOf(rt: Pick<Runtime, 'config' | 'redis' | 'keys'>): Promise<string> {
  if (rt.config.secret) return rt.config.secret;
  await rt.redis.set(rt.keys.secret, randomBytes(32).toString('hex'), 'NX');
  return (await rt.redis.get(rt.keys.secret))!;
}
