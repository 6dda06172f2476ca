import type { Redis } from 'ioredis';
import { peek, seal, unseal } from '../sealed.js';
import type { Ticket } from '../approval/ticket.js';
import type { Keys } from '../store/keys.js';

/**
 * Mail approval links: `base64url(payload).base64url(HMAC-SHA256)`. The token is the credential
 * (whoever holds it votes as its approver), so it binds ticket, approver and expiry, and is used
 * once. No nonce: one person counts once per ticket, so a re-sent mail may carry the same token.
 */
export interface LinkPayload {
  ticketId: string;
  approver: string /** epoch ms */;
  expiresAt: number;
}
export type LinkProblem = 'forged' | 'expired' | 'malformed';
export type ReadLink = { ok: true; payload: LinkPayload } | { ok: false; reason: LinkProblem };

/** Where a used link is marked: keys.ts keeps only the hash of its token, a credential. */
type LinkKeys = Pick<Keys, 'usedApprovalLink'>;

const DEFAULT_TTL_MS = 7 * 24 * 3600_000;
// The same secret signs console sessions and callbacks: a context label keeps a signature made
// for one of those from ever passing as a link's.
const CONTEXT = 'opsgate/approval-link/v1\n';

export function createLink(secret: string, p: LinkPayload): string {
  // Short field names and seconds: the token sits in a URL of a mail.
  return seal(secret, CONTEXT, { t: p.ticketId, a: p.approver, e: Math.ceil(p.expiresAt / 1000) });
}

export function readLink(secret: string, token: string, now = Date.now()): ReadLink {
  const r = unseal(secret, CONTEXT, token);
  if (!r.ok) return r;
  const payload = decode(r.value);
  if (!payload) return { ok: false, reason: 'malformed' };
  if (payload.expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}

function decode(value: unknown): LinkPayload | undefined {
  const v = (value ?? {}) as { t?: unknown; a?: unknown; e?: unknown };
  if (typeof v.t !== 'string' || typeof v.a !== 'string' || typeof v.e !== 'number' || !Number.isFinite(v.e))
    return undefined;
  return { ticketId: v.t, approver: v.a, expiresAt: v.e * 1000 };
}

/** A ticket's links live as long as it may be voted on: its timeout, else 7 days from now. */
export function linkExpiry(ticket: Pick<Ticket, 'createDate' | 'spec'>, now = Date.now()): number {
  const at = ticket.spec.timeoutMs ? Date.parse(ticket.createDate) + ticket.spec.timeoutMs : now + DEFAULT_TTL_MS;
  return Math.ceil(at / 1000) * 1000; // tokens keep whole seconds: what a mail says is what the link holds
}

/**
 * Marks a link used: true for the first caller only (SET NX). The mark outlives the token's
 * expiry by a minute (clocks of several processes), after which readLink refuses it anyway.
 */
export async function useLink(redis: Redis, keys: LinkKeys, token: string, now = Date.now()): Promise<boolean> {
  const expiresAt = decode(peek(token))?.expiresAt ?? now + DEFAULT_TTL_MS;
  const ttl = Math.max(expiresAt - now, 0) + 60_000;
  return (await redis.set(keys.usedApprovalLink(token), String(now), 'PX', ttl, 'NX')) === 'OK';
}

export async function linkUsed(redis: Redis, keys: LinkKeys, token: string): Promise<boolean> {
  return (await redis.exists(keys.usedApprovalLink(token))) === 1;
}

/** Gives a link back when its vote changed nothing (refused by the ticket), so it may be tried again. */
export async function releaseLink(redis: Redis, keys: LinkKeys, token: string): Promise<void> {
  await redis.del(keys.usedApprovalLink(token));
}
