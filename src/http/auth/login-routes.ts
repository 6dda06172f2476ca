import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Directory } from '../../config/directory.js';
import { escapeHtml as e } from '../../html.js';
import { readForm, sendPage } from '../respond.js';
import type { Route } from '../server.js';
import type { Access } from './access.js';
import { tokenUser } from './bearer.js';
import { LOGIN_LINK_TTL_S, type LoginLinks } from './login-links.js';
import type { RateLimiter } from './rate-limit.js';
import { clearedCookie, cookieValue, createSession, sessionCookie } from './session.js';

export interface LoginDeps {
  access: Access;
  links: LoginLinks;
  directory: Directory;
  apiTokens: Map<string, string>;
  secret: () => Promise<string>;
  /** Failed sign-ins per client address (a token guessed is a token stolen); a good one is not counted. */
  attempts: RateLimiter;
  /** Cookies marked Secure: PUBLIC_URL is https. */
  secure: boolean;
  /** PUBLIC_URL's host: behind a proxy, the Host header may be another. */
  publicHost?: string;
}

const LINK = /^\/login\/([A-Za-z0-9_-]{1,100})$/;
const NEXT_COOKIE = 'opsgate_next';

/** Only a path of this site: `next` must never send anyone elsewhere. */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}

/**
 * Sign-in: with an API token (the form), or with a one-time link the bot answers `login` with.
 * A link's GET only shows whom it signs in (chat previews follow links); the POST uses it up.
 */
export function loginRoutes(d: LoginDeps): Route[] {
  const signIn = async (res: ServerResponse, user: string, next: string) => {
    const { token } = createSession(await d.secret(), user);
    const forgetNext = `${NEXT_COOKIE}=; Path=/login; HttpOnly; SameSite=Lax; Max-Age=0`;
    res
      .writeHead(303, {
        location: safeNext(next),
        'set-cookie': [sessionCookie(token, d.secure), forgetNext],
        'cache-control': 'no-store',
      })
      .end();
  };
  const devModeNote =
    '<p class="warn">Development mode: this console also works without signing in, from this machine only.</p>';
  const form = (next: string, problem = '') =>
    `<h1>Sign in to opsgate</h1>
${problem ? `<p class="warn" role="alert">${e(problem)}</p>` : ''}
<form method="post" action="/login"><input type="hidden" name="next" value="${e(next)}">
<p><label>API token<br><input type="password" name="token" autocomplete="current-password" ` +
    `size="48" required autofocus></label></p>
<p><button>Sign in</button></p></form>
<p>No token? Type <code>login</code> to the opsgate bot in Slack or DingTalk ` +
    `(<code>/opsgate login</code>, <code>@opsgate login</code>):
it answers you alone with a link that signs you in once, within ten minutes.</p>
${d.access.devMode ? devModeNote : ''}`;

  return [
    {
      method: 'GET',
      path: /^\/login$/,
      async handle(req, res) {
        const next = safeNext(new URL(req.url ?? '/', 'http://x').searchParams.get('next'));
        const who = await d.access.who(req);
        // Kept for a sign-in by chat link, which opens in a tab of its own: it goes on to where this one was going.
        if (next !== '/' && !who.user)
          res.setHeader(
            'set-cookie',
            `${NEXT_COOKIE}=${encodeURIComponent(next)}; Path=/login; HttpOnly; SameSite=Lax; Max-Age=` +
              `${LOGIN_LINK_TTL_S}${d.secure ? '; Secure' : ''}`,
          );
        await sendPage(
          res,
          200,
          'Sign in',
          who.user ? `<p>You are signed in as <b>${e(who.user)}</b>. <a href="${e(next)}">Go on</a>.</p>` : form(next),
        );
      },
    },
    {
      method: 'POST',
      path: /^\/login$/,
      async handle(req, res) {
        if (!sameOrigin(req, d.publicHost))
          return sendPage(res, 403, 'Sign in', form('/', 'This sign-in came from another site; nothing was done.'));
        const body = await readForm(req);
        const next = safeNext(body.get('next'));
        const address = req.socket.remoteAddress ?? '?';
        const limited = await d.attempts.check(address);
        if (!limited.ok) {
          res.setHeader('retry-after', String(limited.retryAfter));
          return sendPage(
            res,
            429,
            'Sign in',
            form(next, `Too many failed sign-ins from your address; try again in ${limited.retryAfter} s.`),
          );
        }
        const user = tokenUser(body.get('token') ?? '', d.apiTokens);
        if (!user || !d.directory.user(user)) {
          await d.attempts.take(address);
          return sendPage(res, 401, 'Sign in', form(next, 'That token is not valid here.'));
        }
        await signIn(res, user, next);
      },
    },
    {
      method: 'GET',
      path: LINK,
      async handle(_req, res, [token]) {
        const user = await d.links.peek(token!);
        if (!user)
          return sendPage(
            res,
            410,
            'Sign-in link',
            '<h1>This sign-in link does not work</h1><p class="warn">It was used already, it expired (links ' +
              'last ten minutes), or it was not made by opsgate. Type <code>login</code> to the bot for a new one.</p>',
          );
        await sendPage(
          res,
          200,
          'Sign in',
          `<h1>Sign in to opsgate</h1><form method="post"><p>This link signs you in as <b>${e(user)}</b>, ` +
            `once.</p><p><button>Sign in as ${e(user)}</button></p></form>`,
        );
      },
    },
    {
      method: 'POST',
      path: LINK,
      async handle(req, res, [token]) {
        if (!sameOrigin(req, d.publicHost))
          return sendPage(
            res,
            403,
            'Sign in',
            '<p class="warn">This sign-in came from another site; nothing was done.</p>',
          );
        const user = await d.links.redeem(token!);
        if (!user || !d.directory.user(user))
          return sendPage(
            res,
            410,
            'Sign-in link',
            '<h1>This sign-in link does not work</h1><p class="warn">It was used already or it expired. Type ' +
              '<code>login</code> to the bot for a new one.</p>',
          );
        let next = '/';
        try {
          next = safeNext(decodeURIComponent(cookieValue(req.headers.cookie, NEXT_COOKIE) ?? ''));
        } catch {
          /* a mangled cookie: go to the console */
        }
        await signIn(res, user, next);
      },
    },
    d.access.guard({
      method: 'POST',
      path: /^\/logout$/,
      async handle(req, res) {
        // The cookie is cleared, and the session revoked: a copy of the cookie (another tab, a stolen one)
        // stops working too.
        const { session } = await d.access.who(req);
        if (session) await d.access.signOut(session);
        res.writeHead(303, { location: '/login', 'set-cookie': clearedCookie(d.secure) }).end();
      },
    }),
  ];
}

/** A browser says where a form came from; another site's form must not sign anyone in (login CSRF). */
function sameOrigin(req: IncomingMessage, publicHost?: string): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return origin !== 'null';
  try {
    const host = new URL(origin).host;
    return host === req.headers.host || host === publicHost;
  } catch {
    return false;
  }
}
