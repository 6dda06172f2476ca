import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Directory } from '../../config/directory.js';
import type { Logger } from '../../log.js';
import type { Bot } from '../bot.js';
import type { Actor, ChatPlatform } from '../platform.js';
import { renderSlack } from './render.js';

export interface SlackOptions {
  botToken: string;
  signingSecret: string;
  apiUrl: string;
}

/**
 * Slack over HTTP: Bolt verifies the signature and the timestamp; this adapter only acks, maps the
 * Slack user to the directory, forwards to the bot core, and renders what comes back.
 */
export function createSlack(opts: SlackOptions, deps: { bot: Bot; directory: Directory; log: Logger }) {
  const { bot, directory, log } = deps;
  const receiver = new HTTPReceiver({ signingSecret: opts.signingSecret, endpoints: '/slack/events', logger: boltLogger(log) });
  const app = new App({
    token: opts.botToken, receiver, logger: boltLogger(log),
    // Notifications are retried by their queue; the Web API client need not retry for 30 minutes.
    clientOptions: { slackApiUrl: opts.apiUrl, retryConfig: { retries: 2, factor: 2, maxTimeout: 2000 } },
  });
  const actor = (id: string): Actor => ({ platform: 'slack', id, user: directory.byPlatform('slack', id) });

  app.command(/^\/.+/, async ({ command, ack, respond }) => {
    await ack();
    const answer = await bot.command(command.text, { actor: actor(command.user_id), platform: 'slack', channel: command.channel_id });
    await respond({ response_type: 'ephemeral', text: answer });
  });

  app.action(/^(approve|reject)$/, async ({ action, body, ack, respond }) => {
    await ack();
    if (action.type !== 'button' || !('action_id' in action) || body.type !== 'block_actions') return;
    const channel = body.channel?.id ?? body.container?.channel_id ?? '';
    const answer = await bot.button(action.action_id, action.value ?? '', { actor: actor(body.user.id), platform: 'slack', channel });
    if (answer) await respond({ response_type: 'ephemeral', replace_original: false, text: answer });
  });

  app.error(async (err) => { log.error({ err: err.message, code: (err as { code?: string }).code }, 'slack handler failed'); });

  const platform: ChatPlatform = {
    name: 'slack',
    async post(channel, message, thread) {
      const r = await app.client.chat.postMessage({ channel, thread_ts: thread, ...renderSlack(message, directory) });
      return r.ts!;
    },
    async update(channel, ts, message) {
      await app.client.chat.update({ channel, ts, ...renderSlack(message, directory) });
    },
  };
  return { app, platform, requestListener: receiver.requestListener };
}

function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'slack' });
  const fmt = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m) => child.debug(fmt(m)), info: (...m) => child.info(fmt(m)),
    warn: (...m) => child.warn(fmt(m)), error: (...m) => child.error(fmt(m)),
    setLevel: () => {}, getLevel: () => LogLevel.INFO, setName: () => {},
  };
}
