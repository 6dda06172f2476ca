import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Directory } from '../../config/directory.js';
import type { RateLimiter } from './rate-limit.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The bearer token of an Authorization header, if it has one. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

/** Which directory user a token (OPSGATE_API_TOKENS) acts as; every token compared in constant time. */
export function tokenUser(token: string | undefined, tokens: Map<string, string>): string | undefined {
  if (!token) return undefined;
  const given = digest(token);
  let user: string | undefined;
  for (const [t, name] of tokens) if (timingSafeEqual(given, digest(t))) user = name;
  return user;
}

export type BearerVerdict =
  | { ok: true; user: string; token: string }
  | { ok: false; status: 401 }
  | { ok: false; status: 429; retryAfter: number };

/**
 * Bearer credentials of /api and /metrics. A token acts as its user only while that user is in the
 * directory (read again when its file changes). Wrong tokens are counted per client address, as
 * failed sign-ins are: over the limit every token from there waits, so a right guess is not told apart.
 */
export class BearerAuth {
  constructor(
    private readonly tokens: Map<string, string>,
    private readonly directory: Directory,
    private readonly failures?: RateLimiter,
  ) {}

  /** Any tokens configured at all (else the API is off). */
  get enabled(): boolean {
    return this.tokens.size > 0;
  }

  async check(req: IncomingMessage): Promise<BearerVerdict> {
    const token = bearerToken(req.headers.authorization);
    // No token, or no tokens to guess: nothing to count (a worker's probe server needs no Redis for it).
    if (!token || !this.enabled) return { ok: false, status: 401 };
    const address = req.socket.remoteAddress ?? '?';
    const held = await this.failures?.check(address);
    if (held && !held.ok) return { ok: false, status: 429, retryAfter: held.retryAfter };
    const user = tokenUser(token, this.tokens);
    if (user && this.directory.user(user)) return { ok: true, user, token };
    const counted = await this.failures?.take(address);
    return counted && !counted.ok
      ? { ok: false, status: 429, retryAfter: counted.retryAfter }
      : { ok: false, status: 401 };
  }
}
