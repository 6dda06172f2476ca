import { type Msg, msg } from '../i18n/index.js';

/**
 * Why a fetch got no answer, for people. undici rejects every failure with `fetch failed` and puts
 * what happened in `cause` (a system error's code, a TLS error, sometimes an AggregateError of the
 * addresses it tried): this says that code with a short explanation, and where it went.
 */

type Cause = Error & { code?: string; address?: string; port?: number; hostname?: string; errors?: unknown[] };

/** TLS verification codes (OpenSSL's, as Node names them) a private or broken certificate gives. */
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME/;

/** The error that says most: the cause, or the first of the addresses tried. */
function causeOf(err: unknown): Cause | undefined {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  if (!(cause instanceof Error)) return undefined;
  const c = cause as Cause;
  if (!c.code && Array.isArray(c.errors) && c.errors[0] instanceof Error) return c.errors[0] as Cause;
  return c;
}

/** host:port as the request addressed it (the default port written out). */
function hostPort(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

/**
 * The failure of a fetch to `url`; `timeoutMs` is the caller's own AbortSignal.timeout, which
 * rejects with a TimeoutError rather than `fetch failed`.
 */
export function fetchFailure(err: unknown, url: URL | string, timeoutMs?: number): Msg {
  const where = typeof url === 'string' ? new URL(url) : url;
  const e = err as Error | undefined;
  if (e?.name === 'TimeoutError' && timeoutMs !== undefined)
    return msg('actions:noAnswerIn', { seconds: String(timeoutMs / 1000) });
  const cause = causeOf(err);
  if (!cause) return msg('actions:fetchError', { detail: e?.message ?? String(err) });
  const code = cause.code ?? '';
  const address = cause.address && cause.port ? `${cause.address}:${cause.port}` : hostPort(where);
  const host = cause.hostname ?? where.hostname;
  const detail = cause.message;
  switch (code) {
    case 'ECONNREFUSED':
      return msg('actions:connectionRefused', { address, code });
    case 'ENOTFOUND':
      return msg('actions:hostNotFound', { host, code });
    case 'EAI_AGAIN':
      return msg('actions:hostLookupFailed', { host, code });
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return msg('actions:connectTimedOut', { address, code });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return msg('actions:connectionClosed', { address, code, detail });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return msg('actions:hostUnreachable', { address, code });
  }
  if (CERTIFICATE.test(code))
    return msg('actions:certificateUntrusted', {
      host: where.hostname,
      code,
      why: msg('actions:certificateWhy', { code, detail }),
    });
  return code ? msg('actions:fetchErrorCode', { code, detail }) : msg('actions:fetchError', { detail });
}
