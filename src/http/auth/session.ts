import { randomBytes } from 'node:crypto';
import { seal, unseal } from '../../sealed.js';

/**
 * A console session: a signed cookie naming the directory user, its id, expiry and CSRF token.
 * The user is looked up in the directory on every request, so removing someone from the directory
 * signs them out; signing out records the id as revoked (revocations.ts), so a copy is refused too.
 */
export interface Session {
  id: string;
  user: string;
  csrf: string /** epoch ms */;
  expiresAt: number;
}

export const SESSION_COOKIE = 'opsgate_session';
export const SESSION_TTL_MS = 12 * 3600_000;
const CONTEXT = 'opsgate/console-session/v1\n';

export function createSession(secret: string, user: string, now = Date.now()): { session: Session; token: string } {
  const session = {
    id: randomBytes(16).toString('base64url'),
    user,
    csrf: randomBytes(18).toString('base64url'),
    expiresAt: now + SESSION_TTL_MS,
  };
  return {
    session,
    token: seal(secret, CONTEXT, { i: session.id, u: session.user, c: session.csrf, e: session.expiresAt }),
  };
}

export function readSession(secret: string, token: string, now = Date.now()): Session | undefined {
  const r = unseal(secret, CONTEXT, token);
  if (!r.ok) return undefined;
  const v = r.value as { i?: unknown; u?: unknown; c?: unknown; e?: unknown };
  // A cookie without an id (made before sessions could be revoked) could not be signed out: refused.
  if (
    typeof v.i !== 'string' ||
    typeof v.u !== 'string' ||
    typeof v.c !== 'string' ||
    typeof v.e !== 'number' ||
    v.e <= now
  )
    return undefined;
  return { id: v.i, user: v.u, csrf: v.c, expiresAt: v.e };
}

/**
 * HttpOnly (no script reads it), Secure behind https, SameSite=Lax: another site's links (the
 * execution link in a Slack or DingTalk message) open pages signed in, while no other site's POST,
 * frame or fetch carries it; POSTs need the CSRF token besides.
 */
export function sessionCookie(token: string, secure: boolean): string {
  return (
    `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}` +
    `${secure ? '; Secure' : ''}`
  );
}

export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
