import type { IncomingMessage, ServerResponse } from 'node:http';
import { OpsgateError } from '../errors.js';
import { escapeHtml } from '../html.js';
import { type Locale, msg } from '../i18n/index.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Every page: scripts from this site only (src/http/scripts, never inline, so injected markup runs
 * nothing), never in another site's frame (clickjacking; X-Frame-Options for old browsers). Inline
 * styles stay allowed: the pages carry their CSS in a <style>, a smaller risk than script.
 */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; " +
  "form-action 'self'; frame-ancestors 'none'";

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': PAGE_CSP,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

/** A request body of at most `limit` bytes; a larger one is a 413. */
export async function readBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new OpsgateError('InvalidParameter', msg('http:bodyTooLarge', { limit }), 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A request body of at most `limit` bytes, as text; a larger one is a 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return (await readBytes(req, limit)).toString('utf8');
}

/** Reads a JSON body of at most `limit` bytes; anything else is a 400 with what was wrong. */
export async function readJson(req: IncomingMessage, limit = 64 * 1024): Promise<Record<string, unknown>> {
  const text = await readBody(req, limit);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new OpsgateError('InvalidParameter', msg('http:bodyNotJson'));
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new OpsgateError('InvalidParameter', msg('http:bodyNotObject'));
  return body as Record<string, unknown>;
}

/** A small form-encoded body; anything larger than a form needs is refused. */
export async function readForm(req: IncomingMessage, limit = 16 * 1024): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(req, limit));
}

/**
 * A page whose URL may hold a credential (mail approval links, sign-in links): kept out of
 * Referer headers and caches (and, as every page, out of other sites' frames).
 */
export async function sendPage(
  res: ServerResponse,
  status: number,
  title: string,
  body: string,
  locale: Locale = 'en',
): Promise<void> {
  // same-origin, not no-referrer: a form posted back here must still carry its Origin (checked at sign-in).
  res.setHeader('referrer-policy', 'same-origin');
  res.setHeader('cache-control', 'no-store');
  sendHtml(
    res,
    status,
    `<!doctype html><html lang="${locale}"><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(title)} · opsgate</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}` +
      `@media (max-width:600px){body{margin:.8rem}textarea{width:100%}}` +
      `td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}
pre{background:#f6f6f6;padding:.6rem}.warn{color:#8a5a00}.ok,.approved{color:#137333}` +
      `.rejected,.cancelled{color:#b3261e}.active{color:#8a5a00}
input{font:inherit;padding:.3rem .5rem}` +
      `button{font-size:1rem;padding:.4rem 1.2rem;border:0;color:#fff;cursor:pointer;background:#1a73e8}
.approve{background:#137333}.reject{background:#b3261e}</style>
${body}`,
  );
}
