import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import type { Directory } from '../../config/directory.js';
import type { Logger } from '../../log.js';
import type { Bot } from '../bot.js';
import { chatAdapterFactory, type ChatAdapter } from '../adapter.js';
import type { Actor } from '../platform.js';
import type { Home } from '../home.js';
import { formValues, homeView, rejectModal, REJECT_FORM, runModal, RUN_FORM } from './form.js';
import { slackEnv, type SlackOptions } from './env.js';
import { renderSlack } from './render.js';
import { httpDelivery, replayGuard, socketDelivery } from './replay.js';

/** How long a Slack profile (e-mail, locale) is trusted before users.info is asked again. */
const PROFILE_TTL_MS = 10 * 60_000;

/**
 * Slack over HTTP: Bolt verifies the signature and the timestamp; this adapter only acks, maps the
 * Slack user to the directory, forwards to the bot core, and renders what comes back.
 */
export function createSlack(
  opts: SlackOptions,
  deps: {
    bot: Bot;
    directory: Directory;
    log: Logger;
    home?: (user: string) => Promise<Home>;
    publicUrl?: string;
    /** True the first time a key is seen (for a while): a form submitted twice starts one run. */
    once?: (key: string) => Promise<boolean>;
    /** True the first time a signed delivery is seen (for ttlS seconds): a replayed request does nothing. */
    firstDelivery?: (id: string, ttlS: number) => Promise<boolean>;
  },
): ChatAdapter {
  const { bot, directory, log } = deps;
  // Notifications are retried by their queue; the Web API client need not retry for 30 minutes.
  const clientOptions = { slackApiUrl: opts.apiUrl, retryConfig: { retries: 2, factor: 2, maxTimeout: 2000 } };
  // The same handlers over either transport: only the receiver differs.
  const receiver = opts.appToken
    ? new SocketModeReceiver({
        appToken: opts.appToken,
        logger: boltLogger(log),
        clientPingTimeout: opts.clientPingTimeout,
        installerOptions: { clientOptions },
        customPropertiesExtractor: socketDelivery,
      })
    : // Called after the signature is verified: what identifies the request goes on `context`.
      new HTTPReceiver({
        signingSecret: opts.signingSecret ?? '',
        endpoints: '/slack/events',
        logger: boltLogger(log),
        customPropertiesExtractor: (req) => ({ ...httpDelivery(req) }),
      });
  const app = new App({ token: opts.botToken, receiver, logger: boltLogger(log), clientOptions });
  if (deps.firstDelivery) app.use(replayGuard(deps.firstDelivery, log));
  // Slack ids from the directory; else the e-mail of the Slack profile, when the directory lists it. The
  // profile's locale (include_locale) is the reader's language where the directory names none.
  const profiles = new Map<string, { email?: string; locale?: string; at: number }>();
  const profile = async (id: string) => {
    let cached = profiles.get(id);
    if (!cached || Date.now() - cached.at > PROFILE_TTL_MS) {
      const info = await app.client.users.info({ user: id, include_locale: true }).catch(() => undefined);
      cached = { email: info?.user?.profile?.email, locale: info?.user?.locale, at: Date.now() };
      profiles.set(id, cached);
    }
    return cached;
  };
  const actor = async (id: string): Promise<Actor> => {
    const known = directory.byPlatform('slack', id);
    // The directory's word on the language wins (config/reader.ts): no need to ask Slack.
    if (known?.locale) return { platform: 'slack', id, user: known };
    const p = await profile(id);
    const user = known ?? (p.email ? directory.byEmail(p.email) : undefined);
    return { platform: 'slack', id, user, ...(p.locale ? { locale: p.locale } : {}) };
  };

  app.command(/^\/.+/, async ({ command, ack, respond, client, context }) => {
    await ack();
    if (context.retryNum) return; // a retried delivery: the first one is handled already
    const ctx = { actor: await actor(command.user_id), platform: 'slack' as const, channel: command.channel_id };
    // `run TEMPLATE` without (all its required) parameters opens the template's form, what was
    // given filled in; with them it runs at once.
    const form = await bot.form(command.text, ctx.actor);
    if (form) {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: runModal(form, { channel: command.channel_id }, bot.readerOf(ctx.actor).locale),
      });
      return;
    }
    await respond({ response_type: 'ephemeral', text: await bot.command(command.text, ctx) });
  });

  app.view(RUN_FORM, async ({ ack, body, view, client }) => {
    if (deps.once && !(await deps.once(`slack-view:${view.id}:${view.hash}`))) {
      await ack();
      return;
    }
    const meta = JSON.parse(view.private_metadata || '{}') as { t?: string; v?: string; c?: string };
    const ctx = { actor: await actor(body.user.id), platform: 'slack' as const, channel: meta.c ?? '' };
    const r = await bot.submit(
      { templateName: meta.t ?? '', version: meta.v ?? '' },
      formValues(view.state.values as never),
      ctx,
    );
    if ('errors' in r) {
      // Errors show on their fields, in the form still open.
      await ack({
        response_action: 'errors',
        errors: Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [`p-${k}`, v])),
      });
      return;
    }
    await ack();
    if (meta.c) await client.chat.postEphemeral({ channel: meta.c, user: body.user.id, text: r.message });
  });

  app.action(/^(approve|reject)$/, async ({ action, body, ack, respond, context, client }) => {
    await ack();
    if (context.retryNum) return;
    if (action.type !== 'button' || !('action_id' in action) || body.type !== 'block_actions') return;
    const channel = body.channel?.id ?? body.container?.channel_id ?? '';
    const who = await actor(body.user.id);
    if (action.action_id === 'reject') {
      const view = rejectModal(action.value ?? '', { channel }, bot.readerOf(who).locale);
      await client.views.open({ trigger_id: body.trigger_id, view });
      return;
    }
    const answer = await bot.button(action.action_id, action.value ?? '', { actor: who, platform: 'slack', channel });
    // A press on the home tab has no channel to answer in: the tab is published again instead.
    if (body.container?.type === 'view') {
      await publishHome(body.user.id);
      return;
    }
    if (answer) await respond({ response_type: 'ephemeral', replace_original: false, text: answer });
  });

  app.view(REJECT_FORM, async ({ ack, body, view, client }) => {
    await ack();
    const meta = JSON.parse(view.private_metadata || '{}') as { id?: string; c?: string };
    const reason = (view.state.values.reason?.value as { value?: string } | undefined)?.value ?? undefined;
    const answer = await bot.button(
      'reject',
      meta.id ?? '',
      { actor: await actor(body.user.id), platform: 'slack', channel: meta.c ?? '' },
      reason,
    );
    if (answer && meta.c) await client.chat.postEphemeral({ channel: meta.c, user: body.user.id, text: answer });
  });

  // App Home: the approvals waiting for this person, with their buttons, and their recent runs.
  const publishHome = async (slackId: string) => {
    const who = await actor(slackId);
    if (!deps.home || !who.user) return;
    await app.client.views.publish({
      user_id: slackId,
      view: homeView(await deps.home(who.user.name), deps.publicUrl ?? '', bot.readerOf(who)),
    });
  };
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab === 'home') await publishHome(event.user);
  });

  app.error(async (err) => {
    log.error({ err: err.message, code: (err as { code?: string }).code }, 'slack handler failed');
  });

  const listener = receiver instanceof HTTPReceiver ? receiver.requestListener : undefined;
  const adapter: ChatAdapter = {
    platform: 'slack',
    // i18n-exempt: how it is connected, for the start-up log line
    name: listener ? 'Slack over HTTP at POST /slack/events' : 'Slack over Socket Mode',
    // Over HTTP the server routes to Bolt's receiver; Socket Mode needs no route.
    routes: listener ? [{ method: 'POST', path: /^\/slack\/events$/, handle: (req, res) => listener(req, res) }] : [],
    async post(channel, message, thread) {
      const r = await app.client.chat.postMessage({ channel, thread_ts: thread, ...renderSlack(message, directory) });
      return r.ts!;
    },
    async update(channel, ts, message) {
      await app.client.chat.update({ channel, ts, ...renderSlack(message, directory) });
    },
    /** Socket Mode connects when started; HTTP needs nothing (the HTTP server routes to it). */
    start: async () => {
      if (opts.appToken) await app.start();
    },
    stop: async () => {
      if (opts.appToken) await app.stop();
    },
  };
  return adapter;
}

/** Slack is on when its credentials are set (env.ts checks they come in pairs); people are `slack: U0001`. */
export const slackChat = chatAdapterFactory({
  platform: 'slack',
  people: true,
  env: slackEnv,
  create: (p, settings) =>
    createSlack(settings, {
      bot: p.bot,
      directory: p.directory,
      log: p.log,
      publicUrl: p.publicUrl,
      home: p.home,
      once: p.once,
      firstDelivery: p.firstDelivery,
    }),
});

function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'slack' });
  const fmt = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m) => child.debug(fmt(m)),
    info: (...m) => child.info(fmt(m)),
    warn: (...m) => child.warn(fmt(m)),
    error: (...m) => child.error(fmt(m)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
