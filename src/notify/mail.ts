import { createTransport } from 'nodemailer';
import { OpsgateError } from '../errors.js';
import { type Msg, msg as message } from '../i18n/index.js';

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
  constructor(message: Msg) {
    super('MailFailed', message, 502);
  }
}

// nodemailer's error codes said plainly (the catalogue's mail:smtpWhy); its messages are not passed on.
const WHY = new Set([
  'EAUTH',
  'ETLS',
  'EREQUIRETLS',
  'ECONNECTION',
  'ETIMEDOUT',
  'EDNS',
  'EENVELOPE',
  'EMESSAGE',
  'EPROTOCOL',
  'ESOCKET',
]);

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
      ? 'CERT'
      : typeof e.code === 'string' && WHY.has(e.code)
        ? e.code
        : 'none';
    throw new MailError(
      message('mail:sendFailed', {
        server: `${cfg.host}:${cfg.port}`,
        why: message('mail:smtpWhy', { code: why }),
        codes: codes.length ? ` (${codes.join(' ')})` : '',
      }),
    );
  } finally {
    transport.close();
  }
}
