import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Directory } from '../../config/directory.js';
import type { Permissions } from '../../core/permissions.js';
import type { Reader } from '../../config/reader.js';
import { t } from '../../i18n/index.js';
import { requestReader, type ReaderDefaults } from '../reader.js';
import { sendJson } from '../respond.js';
import type { Route } from '../server.js';
import type { BearerAuth } from './bearer.js';
import type { SessionRevocations } from './revocations.js';
import { cookieValue, readSession, SESSION_COOKIE, type Session } from './session.js';

export const CSRF_HEADER = 'x-csrf-token';
/** Development mode only: whom the console acts as, so that pages opened from it read as that person. */
export const DEV_AS_COOKIE = 'opsgate_as';

export interface AccessOptions {
  secret: () => Promise<string>;
  directory: Directory;
  /** API tokens (OPSGATE_API_TOKENS): /api's credentials, and /metrics's besides a session. */
  bearer: BearerAuth;
  /** Sessions ended by signing out. */
  revocations: SessionRevocations;
  /** No sign-in: anyone who reaches the port acts as any user (loopback only, no API tokens). */
  devMode: boolean;
  /** How often an open event stream checks that its session still holds; default 15 s. */
  streamCheckMs?: number;
  /** Who is an admin (the directory group OPSGATE_ADMIN_GROUP). */
  permissions: Permissions;
  /** OPSGATE_LOCALE and OPSGATE_TIMEZONE: the language of pages whose reader says nothing else. */
  defaults?: ReaderDefaults;
}

/** Who a request is: a signed-in user, or nobody; in development mode, anybody. */
export interface Who {
  user?: string;
  csrf: string;
  dev: boolean;
  admin: boolean /** The signed-in session, to end at sign-out. */;
  session?: Session;
}

type Level = 'user' | 'admin' | 'metrics';

/**
 * Who may reach which route. Pages and the console need a session (or development mode);
 * the queue dashboard needs a member of the directory group `admins`; /metrics also takes an
 * API token, as Prometheus sends one. Every POST behind a session carries the session's CSRF token
 * in a header, which no other site can read or set.
 */
export class Access {
  private readonly memo = new WeakMap<IncomingMessage, Promise<Who>>();
  constructor(private readonly o: AccessOptions) {}

  get devMode(): boolean {
    return this.o.devMode;
  }
  get bearer(): BearerAuth {
    return this.o.bearer;
  }

  /** Ends a session: its cookie, and every copy of it, is nobody from now on. */
  signOut(session: Session): Promise<void> {
    return this.o.revocations.revoke(session);
  }

  who(req: IncomingMessage): Promise<Who> {
    let w = this.memo.get(req);
    if (!w) {
      w = this.resolve(req);
      this.memo.set(req, w);
    }
    return w;
  }

  private secret?: Promise<string>;

  private async resolve(req: IncomingMessage): Promise<Who> {
    // The key never changes while running: read once (a failed read is tried again next time).
    this.secret ??= this.o.secret().catch((err: unknown) => {
      this.secret = undefined;
      throw err;
    });
    const secret = await this.secret;
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const session: Session | undefined = token ? readSession(secret, token) : undefined;
    // Someone removed from the directory is signed out at their next request; a signed-out session at once.
    const live =
      session && this.o.directory.user(session.user) && !(await this.o.revocations.revoked(session.id))
        ? session
        : undefined;
    const user = live?.user;
    // Without a session (development mode), the CSRF token is one derived from the secret.
    const csrf = live ? live.csrf : createHmac('sha256', secret).update('opsgate/dev-csrf/v1').digest('base64url');
    return { user, csrf, dev: this.o.devMode, admin: this.o.devMode || (!!user && this.isAdmin(user)), session: live };
  }

  /**
   * The language and zone a page is shown in: the signed-in user's from the directory (else those of
   * `about`, whom the page is for: a sign-in link's user, development mode's chosen one), else the
   * browser's Accept-Language, else the deployment's.
   */
  async reader(req: IncomingMessage, about?: string): Promise<Reader> {
    const who = await this.who(req);
    const acting = who.dev ? cookieValue(req.headers.cookie, DEV_AS_COOKIE) : undefined;
    const name = who.user ?? about ?? decoded(acting);
    return requestReader(req, name ? this.o.directory.user(name) : undefined, this.o.defaults);
  }

  isAdmin(user: string): boolean {
    return this.o.permissions.isAdmin(user);
  }

  /** The route, reachable only at `level`. */
  guard(route: Route, level: Level = 'user'): Route {
    return {
      ...route,
      handle: async (req, res, params) => {
        if (!(await this.admit(req, res, level))) return;
        if (/text\/event-stream/.test(req.headers.accept ?? '')) this.endWithSession(req, res);
        return route.handle(req, res, params);
      },
    };
  }

  /**
   * An event stream lives no longer than its session: once signed out (anywhere: the revocation is
   * in Redis) or once its user left the directory, the next check ends it.
   */
  private endWithSession(req: IncomingMessage, res: ServerResponse): void {
    if (this.o.devMode) return;
    const timer = setInterval(() => {
      this.resolve(req).then(
        (w) => {
          if (!w.user) {
            clearInterval(timer);
            res.end();
          }
        },
        () => undefined,
      );
    }, this.o.streamCheckMs ?? 15_000);
    timer.unref();
    res.on('close', () => clearInterval(timer));
  }

  /** True when the request may go on; otherwise it has been answered (in English, as the API answers). */
  async admit(req: IncomingMessage, res: ServerResponse, level: Level): Promise<boolean> {
    if (level === 'metrics' && req.headers.authorization) {
      const bearer = await this.o.bearer.check(req);
      if (bearer.ok) return true;
      if (bearer.status === 429) {
        res.setHeader('retry-after', String(bearer.retryAfter));
        sendJson(res, 429, {
          Code: 'Throttling.User',
          Message: t('en', 'http:tooManyBearer', { seconds: bearer.retryAfter }),
        });
        return false;
      }
    }
    const reading = req.method === 'GET' || req.method === 'HEAD';
    // Development mode lets anybody read; nothing to look up (a worker's /metrics answers without Redis).
    if (this.o.devMode && reading) return true;
    const who = await this.who(req);
    if (!who.user && !who.dev) {
      if (req.method === 'GET' && /text\/html/.test(req.headers.accept ?? '')) {
        const url = req.url ?? '/';
        res.writeHead(303, { location: `/login${url === '/' ? '' : `?next=${encodeURIComponent(url)}`}` }).end();
      } else {
        if (level === 'metrics') res.setHeader('www-authenticate', 'Bearer');
        sendJson(res, 401, { Code: 'InvalidAuthorization', Message: t('en', 'http:signInFirst') });
      }
      return false;
    }
    if (!reading && !sameToken(req.headers[CSRF_HEADER], who.csrf)) {
      sendJson(res, 403, {
        Code: 'InvalidCsrfToken',
        Message: t('en', 'http:csrfWrong', { header: CSRF_HEADER }),
      });
      return false;
    }
    if (level === 'admin' && !who.admin) {
      sendJson(res, 403, {
        Code: 'Forbidden',
        Message: t('en', 'http:adminsOnly', { group: this.o.permissions.adminGroup }),
      });
      return false;
    }
    return true;
  }
}

function decoded(v: string | undefined): string | undefined {
  try {
    return v === undefined ? undefined : decodeURIComponent(v);
  } catch {
    return undefined;
  }
}

function sameToken(given: string | string[] | undefined, want: string): boolean {
  if (typeof given !== 'string' || given.length !== want.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(want));
}

/** Development mode: no API tokens, and reachable from this machine only (listen address and public URL). */
export function isDevMode(config: { apiTokens: Map<string, string>; host: string; publicUrl?: string }): boolean {
  const loopback = (h: string) => /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i.test(h);
  return (
    config.apiTokens.size === 0 &&
    loopback(config.host) &&
    (!config.publicUrl || loopback(new URL(config.publicUrl).hostname))
  );
}
