import type { Redis } from 'ioredis';
import type { Keys } from '../../store/keys.js';

/**
 * Sessions ended by signing out. A session is a signed cookie that a copy outlives, so its id is
 * kept here until the cookie would have expired anyway; every request asks once (EXISTS).
 */
export class SessionRevocations {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async revoke(session: { id: string; expiresAt: number }, now = Date.now()): Promise<void> {
    const ms = session.expiresAt - now;
    if (ms > 0) await this.redis.set(this.keys.revokedSession(session.id), '1', 'PX', ms);
  }

  async revoked(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.revokedSession(id))) === 1;
  }
}
