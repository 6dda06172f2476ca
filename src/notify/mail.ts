import { createTransport } from 'nodemailer';
import { OpsgateError } from '../errors.js';

/** ACS::Approve's Mail: Host, Port, Username, Password, From (Subject, Body, To are the message's). */
export interface SmtpConfig {
  host: string;
  port: number;
  username?: string;
  password?: string;
  from: string;
  /** Accept a self-signed certificate (tests, a private relay); off by default. */
  allowSelfSigned?: boolean;
  /** Connection and greeting timeout; default 10 s, so a dead relay fails a send quickly. */
  timeoutMs?: number;
}

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export class MailError extends OpsgateError {
  constructor(message: string) {
    super('MailFailed', message, 502);
  }
}

// nodemailer's error codes, said plainly; its messages are not passed on (see sendMail).
const WHY: Record<string, string> = {
  EAUTH: 'the server refused the username or password',
  ETLS: 'TLS failed (certificate or upgrade)',
  EREQUIRETLS: 'the server offers no STARTTLS, and a password is never sent unencrypted',
  ECONNECTION: 'cannot connect',
  ETIMEDOUT: 'timed out',
  EDNS: 'host not found',
  EENVELOPE: 'a sender or recipient was refused',
  EMESSAGE: 'the message was refused',
  EPROTOCOL: 'the server does not speak SMTP as expected',
  ESOCKET: 'connection error',
};

/**
 * One message through SMTP: implicit TLS on 465, elsewhere STARTTLS (required with a username,
 * opportunistic without), AUTH only with a username. A failure is rethrown as a plain MailError
 * naming host:port and codes only: the original error (and its cause chain) is dropped, so no
 * password can reach a log or a chat.
 */
export async function sendMail(cfg: SmtpConfig, msg: MailMessage): Promise<void> {
  const timeout = cfg.timeoutMs ?? 10_000;
  const transport = createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.port === 465,
    // A relay without a password may stay in plaintext; a password is only ever sent encrypted,
    // so a server (or a man in the middle) that offers no STARTTLS cannot have it.
    ...(cfg.port === 465 ? {} : cfg.username ? { requireTLS: true } : { opportunisticTLS: true }),
    auth: cfg.username ? { user: cfg.username, pass: cfg.password ?? '' } : undefined,
    tls: { rejectUnauthorized: !cfg.allowSelfSigned },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 3,
    logger: false,
    debug: false,
  });
  try {
    await transport.sendMail({ from: cfg.from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html });
  } catch (err) {
    const e = err as { code?: unknown; originalCode?: unknown; responseCode?: unknown };
    // Only codes (ESOCKET, CERT_HAS_EXPIRED, 535) are passed on: they cannot carry a password.
    const codes = [e.code, e.originalCode, e.responseCode].filter(
      (x) => typeof x === 'number' || (typeof x === 'string' && /^[A-Z0-9_]{1,60}$/.test(x)),
    );
    const why = /CERT|SELF_SIGNED|TLS/.test(String(e.originalCode))
      ? "the server's TLS certificate is not trusted"
      : typeof e.code === 'string'
        ? WHY[e.code]
        : undefined;
    throw new MailError(
      `could not send mail through ${cfg.host}:${cfg.port}${why ? `: ${why}` : ''}` +
        `${codes.length ? ` (${codes.join(' ')})` : ''}`,
    );
  } finally {
    transport.close();
  }
}
