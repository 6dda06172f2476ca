import { createHash, timingSafeEqual } from 'node:crypto';

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
