import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Directory } from '../../config/directory.js';
import { envSection } from '../../config/env-section.js';
import { OpsgateError } from '../../errors.js';
import { escapeHtml } from '../../html.js';
import { readJson, sendHtml, sendJson } from '../../http/respond.js';
import { en } from '../../i18n/catalog/index.js';
import { fromAcceptLanguage, type Locale, type MessageKey, msg, t } from '../../i18n/index.js';
import type { Route } from '../../http/server.js';
import { type Access, DEV_AS_COOKIE } from '../../http/auth/access.js';
import type { ConsoleChannel } from '../../store/console.js';
import type { Bot, CommandContext } from '../bot.js';
import { chatAdapterFactory, type ChatAdapter } from '../adapter.js';

const page = readFileSync(new URL('./page.html', import.meta.url), 'utf8');
export const CONSOLE_CHANNEL = 'console';

// The card's own words, under the names the script says them by: one catalogue entry for every card.
const CARD_WORDS = {
  requestedBy: 'card:requestedBy',
  waitingFor: 'card:waitingFor',
  approvedBy: 'card:approvedByLower',
  approve: 'card:approve',
  reject: 'card:reject',
} as const satisfies Record<string, MessageKey>;

type ConsoleKey = keyof typeof en.console | keyof typeof CARD_WORDS;

/**
 * The reader's `console` namespace for the browser: each message rendered with its {placeholders} left
 * in, which the page's script fills (console.js `say`). Its messages have no plurals or selects.
 */
export function consoleStrings(locale: Locale): Record<ConsoleKey, string> {
  const keys: [string, MessageKey][] = [
    ...Object.keys(en.console).map((k) => [k, `console:${k}` as MessageKey] as [string, MessageKey]),
    ...Object.entries(CARD_WORDS),
  ];
  return Object.fromEntries(
    keys.map(([name, key]) => {
      const [ns, k] = key.split(':') as [keyof typeof en, string];
      const english = (en[ns] as Record<string, string>)[k]!;
      const names = [...english.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!);
      return [name, t(locale, key, Object.fromEntries(names.map((n) => [n, `{${n}}`])))];
    }),
  ) as Record<ConsoleKey, string>;
}

/** The page in the reader's language: its words, and the strings its script says things with. */
export function consolePage(locale: Locale): string {
  const strings = consoleStrings(locale);
  // JSON inside <script>: no `<` may close the element early.
  const json = JSON.stringify(strings).replace(/</g, '\\u003c');
  return page
    .replace('{{lang}}', locale)
    .replace('{{strings}}', json)
    .replace(/\{\{console:([A-Za-z]+)\}\}/g, (_, k: string) => escapeHtml(strings[k as ConsoleKey] ?? k));
}

/**
 * The web console, a chat channel in the browser, as the signed-in user. In development mode
 * (loopback, no API tokens) the page may instead pick which directory user it acts as.
 */
export function consoleAdapter(deps: {
  bot: Bot;
  channel: ConsoleChannel;
  directory: Directory;
  subscriber: Redis;
  eventsKey: string;
  access: Access;
}): ChatAdapter {
  const { bot, channel, directory, subscriber, eventsKey, access } = deps;
  const streams = new Set<ServerResponse>();
  let subscribed: Promise<unknown> | undefined;
  subscriber.on('message', (_ch: string, data: string) => {
    for (const res of streams) res.write(`data: ${data}\n\n`);
  });

  const ctx = async (req: IncomingMessage, body: Record<string, unknown>): Promise<CommandContext> => {
    const who = await access.who(req);
    const name = who.user ?? (who.dev && typeof body.user === 'string' ? body.user : '');
    return {
      // The browser's language is the console's word on the person, as Slack's profile locale is Slack's:
      // replies and the pages it opens agree (below the directory's locale, above OPSGATE_LOCALE).
      actor: {
        platform: 'console',
        id: name,
        user: directory.user(name),
        locale: fromAcceptLanguage(req.headers['accept-language']),
      },
      platform: 'console',
      channel: CONSOLE_CHANNEL,
    };
  };
  const text = (body: Record<string, unknown>, field: string) => {
    const v = body[field];
    if (typeof v !== 'string' || v.length > 4000)
      throw new OpsgateError('InvalidParameter', msg('console:fieldTooLong', { field, max: '4000' }));
    return v;
  };
  /** An optional comment (a rejection's reason): a string of at most 1000 characters, or nothing. */
  const comment = (body: Record<string, unknown>) => {
    const v = body.comment;
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' || v.length > 1000)
      throw new OpsgateError('InvalidParameter', msg('console:fieldTooLong', { field: 'comment', max: '1000' }));
    return v.trim() || undefined;
  };
  /** Who reads: the signed-in user, or in development mode the one the page acts as. */
  const readerFor = async (req: IncomingMessage, user?: string | null) => {
    const who = await access.who(req);
    return access.reader(req, who.dev && user ? user : undefined);
  };

  const routes: Route[] = (
    [
      {
        method: 'GET',
        path: /^\/$/,
        handle: async (req, res) => sendHtml(res, 200, consolePage((await readerFor(req)).locale)),
      },
      // The strings of another reader: development mode's page acting as someone else.
      {
        method: 'GET',
        path: /^\/console\/strings$/,
        async handle(req, res) {
          const user = new URL(req.url ?? '/', 'http://x').searchParams.get('user');
          const r = await readerFor(req, user);
          // Development mode: the pages this console opens read as the one it acts as.
          if ((await access.who(req)).dev && user)
            res.setHeader('set-cookie', `${DEV_AS_COOKIE}=${encodeURIComponent(user)}; Path=/; SameSite=Lax`);
          sendJson(res, 200, { locale: r.locale, timeZone: r.timeZone, strings: consoleStrings(r.locale) });
        },
      },
      {
        method: 'GET',
        path: /^\/console\/state$/,
        async handle(req, res) {
          const { user, dev, admin, csrf } = await access.who(req);
          const r = await readerFor(req);
          sendJson(res, 200, {
            me: user ?? null,
            dev,
            admin,
            csrf,
            locale: r.locale,
            timeZone: r.timeZone,
            users: dev ? directory.users().map((u) => u.name) : [],
            messages: await channel.recent(),
          });
        },
      },
      {
        method: 'GET',
        path: /^\/console\/events$/,
        async handle(req, res) {
          subscribed ??= subscriber.subscribe(eventsKey);
          await subscribed;
          res.writeHead(200, {
            'content-type': 'text/event-stream',
            'cache-control': 'no-cache',
            connection: 'keep-alive',
          });
          res.write(': connected\n\n');
          streams.add(res);
          req.on('close', () => streams.delete(res));
        },
      },
      {
        method: 'POST',
        path: /^\/console\/command$/,
        async handle(req, res) {
          const body = await readJson(req);
          sendJson(res, 200, { reply: await bot.command(text(body, 'text'), await ctx(req, body)) });
        },
      },
      {
        method: 'POST',
        path: /^\/console\/action$/,
        async handle(req, res) {
          const body = await readJson(req);
          sendJson(res, 200, {
            reply:
              (await bot.button(text(body, 'action'), text(body, 'value'), await ctx(req, body), comment(body))) ??
              null,
          });
        },
      },
    ] satisfies Route[]
  ).map((r) => access.guard(r));

  return {
    platform: 'console',
    // i18n-exempt: the adapter's name, written to the log at start-up for operators
    name: 'the web console at /',
    routes,
    post: (ch, message, thread) =>
      channel.post(
        ch,
        { ...message, text: [...(message.mentions ?? []).map((n) => `@${n}`), message.text].join(' ') },
        thread,
      ),
    update: (_ch, ref, message) => channel.update(ref, message),
    start: async () => {},
    // Open event streams would keep the HTTP server from closing.
    stop: async () => {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}

/** The console is always on: in development mode without sign-in, else behind it. */
export const consoleChat = chatAdapterFactory({
  platform: 'console',
  // No variables of its own: always on.
  env: envSection({ shape: {}, settings: () => ({}) }),
  create: (p) => consoleAdapter({ bot: p.bot, directory: p.directory, access: p.access, ...p.console }),
});
