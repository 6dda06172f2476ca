import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../../store/keys.js';

/**
 * One-time sign-in links that the bot answers `login` with, privately. Random tokens kept in
 * Redis by their hash only, for ten minutes, redeemed once (GETDEL).
 */
export const LOGIN_LINK_TTL_S = 600;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');
export const LOGIN_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export class LoginLinks {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async create(user: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(this.keys.loginToken(hash(token)), user, 'EX', LOGIN_LINK_TTL_S);
    return token;
  }

  /** Who the link is for, without using it up (the confirmation page). */
  async peek(token: string): Promise<string | undefined> {
    return LOGIN_TOKEN.test(token)
      ? ((await this.redis.get(this.keys.loginToken(hash(token)))) ?? undefined)
      : undefined;
  }

  /** Who the link is for, once: a second redeem of the same link gets nothing. */
  async redeem(token: string): Promise<string | undefined> {
    return LOGIN_TOKEN.test(token)
      ? ((await this.redis.getdel(this.keys.loginToken(hash(token)))) ?? undefined)
      : undefined;
  }
}
