import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens, `base64url(JSON).base64url(HMAC-SHA256(context + body))`: mail approval links and
 * console sessions. The context label keeps a token made for one purpose from passing as another's.
 */
export type Unsealed = { ok: true; value: unknown } | { ok: false; reason: 'forged' | 'malformed' };

const TOKEN = /^([A-Za-z0-9_-]{1,1500})\.([A-Za-z0-9_-]{43})$/;

const mac = (secret: string, context: string, body: string) =>
  createHmac('sha256', secret)
    .update(context + body)
    .digest();

export function seal(secret: string, context: string, value: unknown): string {
  const body = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${body}.${mac(secret, context, body).toString('base64url')}`;
}

export function unseal(secret: string, context: string, token: string): Unsealed {
  const m = TOKEN.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, body, given] = m as unknown as [string, string, string];
  // The signature is checked before the body is even parsed: nothing unsigned is read.
  const want = mac(secret, context, body);
  const got = Buffer.from(given, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: 'forged' };
  try {
    return { ok: true, value: JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/** The body of a sealed token, unchecked: only for what a signature check has already passed or does not need. */
export function peek(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
