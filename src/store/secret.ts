import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from '../config/env.js';
import type { Keys } from './keys.js';

/** What secretOf reads: a Runtime fits, without store importing bin. */
export interface SecretSource {
  config: Pick<Config, 'secret'>;
  redis: Redis;
  keys: Pick<Keys, 'secret'>;
}

/** OPSGATE_SECRET, or one generated once and kept in Redis, so every process signs alike. */
export async function secretOf(rt: SecretSource): Promise<string> {
  if (rt.config.secret) return rt.config.secret;
  await rt.redis.set(rt.keys.secret, randomBytes(32).toString('hex'), 'NX');
  return (await rt.redis.get(rt.keys.secret))!;
}
