import { createHmac } from 'node:crypto';
import { type Locale, type Msg, msg, render, t } from '../i18n/index.js';

/**
 * WebHook delivery for ACS::Notify / ACS::Approve (PROTOCOLS.md §4.1): renders the template's
 * Content (execution link, mentions), signs DingTalk custom-robot URIs and POSTs. Everything but
 * `sendWebhook` is pure.
 */

export interface Mentions {
  mobiles: string[];
  userIds: string[];
}
/** A failure's `message` is in English (logs, the record); `text` is the same from the catalogue. */
export type WebhookResult = { ok: true } | { ok: false; retry: boolean; message: string; text: Msg };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// DingTalk answers these when a robot sends more than 20 messages a minute; the rest are permanent.
const THROTTLED = new Set([130101, 410100]);
const TIMEOUT_MS = 10_000;

export function isDingTalkRobot(uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.hostname === 'oapi.dingtalk.com' && (u.pathname === '/robot/send' || u.pathname === '/robot/sendBySession'))
    return true;
  return u.pathname.endsWith('/robot/send'); // loopback fakes and proxies
}

/** The field that DingTalk renders as the message text, per msgtype, and whether it is markdown. */
function dingTalkText(body: Obj): { holder: Obj; key: string; markdown: boolean } | undefined {
  const field = { text: ['text', 'content'], markdown: ['markdown', 'text'], actionCard: ['actionCard', 'text'] }[
    String(body.msgtype)
  ];
  if (!field) return undefined; // link / feedCard have no free text that renders @mentions
  const holder = body[field[0]!];
  if (!isObj(holder) || typeof holder[field[1]!] !== 'string') return undefined;
  return { holder, key: field[1]!, markdown: body.msgtype !== 'text' };
}

/**
 * Returns a new body: the execution link goes into the text people read (or `ExecutionLink` when
 * the body has none), and mentions go into a DingTalk body that has no `at` of its own. A JSON
 * string is parsed first; any other non-object body comes back unchanged.
 */
export function renderWebhookBody(
  content: unknown,
  opts: {
    link?: string;
    mentions?: Mentions /** The readers' language of the link's label; default en. */;
    locale?: Locale;
  },
): unknown {
  let body: unknown = content;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return content;
    }
  }
  if (!isObj(body)) return content;
  body = structuredClone(body);
  const out = body as Obj;
  const dt = typeof out.msgtype === 'string';
  const target = dt ? dingTalkText(out) : undefined;

  if (opts.link) {
    if (target) {
      const label = t(opts.locale ?? 'en', 'dingtalk:executionDetails');
      const add = target.markdown ? `\n\n[${label}](${opts.link})` : `\n${opts.link}`;
      target.holder[target.key] = `${target.holder[target.key] as string}${add}`;
    } else if (!dt && typeof out.text === 'string') {
      out.text = `${out.text}\n${opts.link}`; // Slack-compatible: plain URLs are auto-linked
    } else {
      out.ExecutionLink = opts.link;
    }
  }

  const m = opts.mentions;
  // A template's own `at` is the author's choice; mentions only fill in when there is none.
  if (dt && m && (m.mobiles.length || m.userIds.length) && out.at === undefined) {
    out.at = { atMobiles: [...m.mobiles], atUserIds: [...m.userIds], isAtAll: false };
    // DingTalk only renders a mention whose @word appears in the text.
    if (target) {
      const words = [...m.mobiles, ...m.userIds].map((w) => `@${w}`).join(' ');
      target.holder[target.key] = `${target.holder[target.key] as string}${target.markdown ? '\n\n' : '\n'}${words}`;
    }
  }
  return out;
}

/** `timestamp` (ms) + `sign = base64(HMAC-SHA256(secret, "timestamp\nsecret"))`; URLSearchParams URL-encodes it. */
export function signDingTalkUri(uri: string, secret: string, nowMs: number): string {
  const u = new URL(uri);
  const ts = String(Math.trunc(nowMs));
  u.searchParams.set('timestamp', ts);
  u.searchParams.set('sign', createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'));
  return u.toString();
}

// Stops at whitespace too, so it can run over free text that quotes a URI.
const SECRET_PARAMS = /([?&](?:access_token|sign|secret|token|key)=)[^&#\s]*/gi;

/** Credentials in query values and userinfo passwords become `******`; works on unparsable URIs too. */
export function maskUri(uri: string): string {
  return uri.replace(SECRET_PARAMS, '$1******').replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)[^/?#@]*@/i, '$1******@');
}

/** Removes every credential we know of from text that may echo them (fetch errors, errmsg). */
function scrub(text: string, uri: string, secret?: string): string {
  const values = [secret ?? ''];
  for (const match of uri.matchAll(SECRET_PARAMS)) values.push(match[0].slice(match[1]!.length));
  for (const v of values) {
    if (v.length < 4) continue;
    text = text.split(v).join('******');
    try {
      text = text.split(decodeURIComponent(v)).join('******');
    } catch {
      /* malformed escape */
    }
  }
  return maskUri(text);
}

export async function sendWebhook(
  req: { uri: string; headers?: Record<string, string>; body: unknown; secret?: string },
  deps: { fetch: typeof fetch; now(): number },
): Promise<WebhookResult> {
  const where = maskUri(req.uri);
  const fail = (retry: boolean, detail: string | Msg): WebhookResult => {
    const text = msg('dingtalk:webhookFailed', {
      where,
      detail: typeof detail === 'string' ? scrub(detail, req.uri, req.secret) : detail,
    });
    return { ok: false, retry, message: render(text, 'en'), text };
  };
  const dingTalk = isDingTalkRobot(req.uri);
  let url: string;
  try {
    url = dingTalk && req.secret ? signDingTalkUri(req.uri, req.secret, deps.now()) : new URL(req.uri).toString();
  } catch {
    return fail(false, msg('dingtalk:notAUrl'));
  }

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = String(v);
  headers['content-type'] ??= 'application/json';
  const body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? {});

  let status: number;
  let text: string;
  try {
    const res = await deps.fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    status = res.status;
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { message?: string } };
    const why =
      e.name === 'TimeoutError'
        ? msg('dingtalk:noAnswer', { seconds: TIMEOUT_MS / 1000 })
        : [e.message, e.cause?.message].filter(Boolean).join(': ');
    return fail(true, why);
  }
  if (status >= 400) return fail(status >= 500 || status === 429, `HTTP ${status}`);

  // DingTalk (and WeCom-style hooks) answer HTTP 200 with an errcode; check it on any JSON answer.
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return { ok: true };
  }
  if (isObj(answer) && answer.errcode !== undefined && Number(answer.errcode) !== 0) {
    const code = Number(answer.errcode);
    return fail(THROTTLED.has(code), `errcode ${String(answer.errcode)} ${String(answer.errmsg ?? '')}`.trim());
  }
  return { ok: true };
}
