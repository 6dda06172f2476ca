import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../../store/keys.js';

/**
 * A fixed-window counter per caller, shared by every web process through Redis: one round trip
 * (INCR and PEXPIRE in one MULTI). Callers are hashed: an API token never becomes part of a key.
 */
type Verdict = { ok: true } | { ok: false; retryAfter: number };

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly scope: string,
    readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one request; when over the limit, the seconds until the window ends. */
  async take(caller: string, now = Date.now()): Promise<Verdict> {
    const key = this.key(caller, now);
    const replies = await this.redis.multi().incr(key).pexpire(key, this.windowMs).exec();
    return this.verdict(Number(replies?.[0]?.[1] ?? 0), now);
  }

  /** Whether `caller` is over the limit now, without counting this request (limits on failures only). */
  async check(caller: string, now = Date.now()): Promise<Verdict> {
    return this.verdict(Number((await this.redis.get(this.key(caller, now))) ?? 0), now);
  }

  private key(caller: string, now: number): string {
    return this.keys.rate(
      this.scope,
      createHash('sha256').update(caller).digest('hex').slice(0, 32),
      Math.floor(now / this.windowMs),
    );
  }

  private verdict(count: number, now: number): Verdict {
    if (count <= this.limit) return { ok: true };
    return {
      ok: false,
      retryAfter: Math.max(1, Math.ceil(((Math.floor(now / this.windowMs) + 1) * this.windowMs - now) / 1000)),
    };
  }
}
