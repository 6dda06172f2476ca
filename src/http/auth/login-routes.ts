import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Directory } from '../../config/directory.js';
import type { Reader } from '../../config/reader.js';
import { escapeHtml as e } from '../../html.js';
import { t, translator } from '../../i18n/index.js';
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
  const form = (r: Reader, next: string, problem = '') => {
    const say = translator(r.locale);
    // The command words, as typed: never translated.
    const [slash, mention] = ['/opsgate', '@opsgate'].map((bot) => `<code>${bot} login</code>`);
    const how = e(say('http:noTokenHow', { login: '\u0001', slash: '\u0002', mention: '\u0003' }))
      .replace('\u0001', '<code>login</code>')
      .replace('\u0002', slash!)
      .replace('\u0003', mention!);
    const input = '<input type="password" name="token" autocomplete="current-password" size="48" required autofocus>';
    return `<h1>${e(say('http:signInTitle'))}</h1>
${problem ? `<p class="warn" role="alert">${e(problem)}</p>` : ''}
<form method="post" action="/login"><input type="hidden" name="next" value="${e(next)}">
<p><label>${e(say('http:apiToken'))}<br>${input}</label></p>
<p><button>${e(say('http:signIn'))}</button></p></form>
<p>${how}</p>
${d.access.devMode ? `<p class="warn">${e(say('http:devModeNote'))}</p>` : ''}`;
  };
  /** A sign-in link that does not work (any more), and how to get another. */
  const deadLink = (r: Reader, why: 'http:deadLinkWhy' | 'http:usedLinkWhy') =>
    `<h1>${e(t(r.locale, 'http:deadLink'))}</h1><p class="warn">${e(t(r.locale, why, { login: '\u0001' })).replace(
      '\u0001',
      '<code>login</code>',
    )}</p>`;

  return [
    {
      method: 'GET',
      path: /^\/login$/,
      async handle(req, res) {
        const next = safeNext(new URL(req.url ?? '/', 'http://x').searchParams.get('next'));
        const who = await d.access.who(req);
        const r = await d.access.reader(req);
        // Kept for a sign-in by chat link, which opens in a tab of its own: it goes on to where this one was going.
        if (next !== '/' && !who.user)
          res.setHeader(
            'set-cookie',
            `${NEXT_COOKIE}=${encodeURIComponent(next)}; Path=/login; HttpOnly; SameSite=Lax; Max-Age=` +
              `${LOGIN_LINK_TTL_S}${d.secure ? '; Secure' : ''}`,
          );
        const signedIn = e(t(r.locale, 'http:signedInAs', { name: '\u0001', goOn: '\u0002' }))
          .replace('\u0001', `<b>${e(who.user ?? '')}</b>`)
          .replace('\u0002', `<a href="${e(next)}">${e(t(r.locale, 'http:goOn'))}</a>`);
        await sendPage(res, 200, t(r.locale, 'http:signIn'), who.user ? `<p>${signedIn}</p>` : form(r, next), r.locale);
      },
    },
    {
      method: 'POST',
      path: /^\/login$/,
      async handle(req, res) {
        const r = await d.access.reader(req);
        const title = t(r.locale, 'http:signIn');
        if (!sameOrigin(req, d.publicHost))
          return sendPage(res, 403, title, form(r, '/', t(r.locale, 'http:otherSite')), r.locale);
        const body = await readForm(req);
        const next = safeNext(body.get('next'));
        const address = req.socket.remoteAddress ?? '?';
        const limited = await d.attempts.check(address);
        if (!limited.ok) {
          res.setHeader('retry-after', String(limited.retryAfter));
          const why = t(r.locale, 'http:tooManySignIns', { seconds: limited.retryAfter });
          return sendPage(res, 429, title, form(r, next, why), r.locale);
        }
        const user = tokenUser(body.get('token') ?? '', d.apiTokens);
        if (!user || !d.directory.user(user)) {
          await d.attempts.take(address);
          return sendPage(res, 401, title, form(r, next, t(r.locale, 'http:badToken')), r.locale);
        }
        await signIn(res, user, next);
      },
    },
    {
      method: 'GET',
      path: LINK,
      async handle(req, res, [token]) {
        const user = await d.links.peek(token!);
        const r = await d.access.reader(req, user);
        if (!user) return sendPage(res, 410, t(r.locale, 'http:signInLink'), deadLink(r, 'http:deadLinkWhy'), r.locale);
        const say = translator(r.locale);
        const once = e(say('http:linkSignsIn', { name: '\u0001' })).replace('\u0001', `<b>${e(user)}</b>`);
        await sendPage(
          res,
          200,
          say('http:signIn'),
          `<h1>${e(say('http:signInTitle'))}</h1><form method="post"><p>${once}</p>` +
            `<p><button>${e(say('http:signInAs', { name: user }))}</button></p></form>`,
          r.locale,
        );
      },
    },
    {
      method: 'POST',
      path: LINK,
      async handle(req, res, [token]) {
        const r = await d.access.reader(req);
        if (!sameOrigin(req, d.publicHost))
          return sendPage(
            res,
            403,
            t(r.locale, 'http:signIn'),
            `<p class="warn">${e(t(r.locale, 'http:otherSite'))}</p>`,
            r.locale,
          );
        const user = await d.links.redeem(token!);
        if (!user || !d.directory.user(user))
          return sendPage(res, 410, t(r.locale, 'http:signInLink'), deadLink(r, 'http:usedLinkWhy'), r.locale);
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
