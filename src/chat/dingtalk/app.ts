import { randomBytes } from 'node:crypto';
import { TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type { Directory } from '../../config/directory.js';
import type { Logger } from '../../log.js';
import type { Bot, CommandContext } from '../bot.js';
import { chatAdapterFactory, type ChatAdapter } from '../adapter.js';
import { GatewayClient } from './client.js';
import { dingtalkEnv, type DingTalkOptions } from './env.js';
import { DingTalkApi } from './openapi.js';
import { cardParams, markdown } from './render.js';

interface RobotMessage {
  conversationId: string;
  senderStaffId?: string;
  senderId?: string;
  text?: { content?: string };
  sessionWebhook?: string;
  sessionWebhookExpiredTime?: number;
}

const parse = <T>(data: string): T | undefined => {
  try {
    return JSON.parse(data) as T;
  } catch {
    return undefined;
  }
};

/**
 * The DingTalk robot over Stream Mode: @-mentions become chat commands, card clicks become votes.
 * Every callback is acked at once (DingTalk redelivers unacked ones); the work comes after.
 */
export function createDingTalk(
  opts: DingTalkOptions,
  deps: {
    bot: Bot;
    directory: Directory;
    log: Logger;
    /** A pending approver's own signed approval link (the mail links' page), for cards without a template. */
    approvalLink?: (ticketId: string, approver: string) => Promise<string>;
  },
): ChatAdapter {
  const { bot, directory, log } = deps;
  const api = new DingTalkApi({
    apiUrl: opts.apiUrl,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    robotCode: opts.robotCode,
  });
  // keepAlive off: the SDK's heartbeat timer outlives disconnect() in 2.1.5; a dropped socket is
  // still noticed by its close event and reconnected (autoReconnect).
  const client = new GatewayClient(
    { clientId: opts.clientId, clientSecret: opts.clientSecret, keepAlive: false },
    opts.gatewayUrl,
  );
  const ctxOf = (staffId: string, channel: string): CommandContext => ({
    actor: { platform: 'dingtalk', id: staffId, user: directory.byPlatform('dingtalk', staffId) },
    platform: 'dingtalk',
    channel,
  });

  /** An answer in the group through the message's session webhook; the OpenAPI once it expired. */
  const reply = async (m: RobotMessage, text: string) => {
    const staff = m.senderStaffId ?? '';
    if (m.sessionWebhook && (m.sessionWebhookExpiredTime ?? 0) > Date.now()) {
      const res = await fetch(m.sessionWebhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(10_000),
        body: JSON.stringify({
          msgtype: 'markdown',
          markdown: { title: 'opsgate', text: `@${staff}\n\n${text}` },
          at: { atUserIds: staff ? [staff] : [] },
        }),
      }).catch(() => undefined);
      const body = (await res?.json().catch(() => undefined)) as { errcode?: number } | undefined;
      if (res?.ok && (body?.errcode ?? 0) === 0) return;
    }
    await api.sendGroup(m.conversationId, 'opsgate', text);
  };

  client.registerCallbackListener(TOPIC_ROBOT, (frame: DWClientDownStream) => {
    client.socketCallBackResponse(frame.headers.messageId, {});
    const m = parse<RobotMessage>(frame.data);
    if (!m?.conversationId || !m.text?.content) {
      log.warn({ messageId: frame.headers.messageId }, 'DingTalk robot message not understood');
      return;
    }
    // The @-mention is stripped by DingTalk, mostly: drop what is left of it.
    const text = m.text.content.trim().replace(/^@\S+\s*/, '');
    void bot
      .answer(text, ctxOf(m.senderStaffId ?? m.senderId ?? '', m.conversationId))
      // A group sees the session webhook's answers: a credential goes to the sender alone.
      .then((answer) =>
        answer.confidential && m.senderStaffId
          ? api.sendToUser(m.senderStaffId, 'opsgate', answer.text)
          : reply(m, answer.text),
      )
      .catch((err: Error) => log.error({ err: err.message }, 'DingTalk command failed'));
  });

  client.registerCallbackListener(TOPIC_CARD, (frame: DWClientDownStream) => {
    client.socketCallBackResponse(frame.headers.messageId, {});
    const c = parse<{ userId?: string; outTrackId?: string; value?: string; content?: string }>(frame.data);
    const value = c
      ? parse<{ cardPrivateData?: { actionIds?: string[]; params?: Record<string, string> } }>(
          c.value ?? c.content ?? '',
        )
      : undefined;
    const action = value?.cardPrivateData?.actionIds?.[0];
    const ticketId = value?.cardPrivateData?.params?.ticketId ?? /^og-card-(\d+)-/.exec(c?.outTrackId ?? '')?.[1];
    if (!c?.userId || !action || !ticketId) {
      log.warn({ messageId: frame.headers.messageId }, 'DingTalk card callback not understood');
      return;
    }
    void bot
      .button(action, ticketId, ctxOf(c.userId, ''), value?.cardPrivateData?.params?.reason)
      .then(async (answer) => {
        if (answer) await api.sendToUser(c.userId!, 'opsgate', answer);
      })
      .catch((err: Error) => log.error({ err: err.message }, 'DingTalk vote failed'));
  });

  const adapter: ChatAdapter = {
    platform: 'dingtalk',
    name: 'DingTalk robot over Stream Mode',
    routes: [],
    async post(channel, message) {
      if (message.card && opts.cardTemplateId) {
        const card = message.card;
        const outTrackId = `og-card-${card.ticketId}-${randomBytes(4).toString('hex')}`;
        const at = card.pending.map((n) => directory.user(n)?.ids.dingtalk).filter((x): x is string => !!x);
        await api.sendCard(channel, outTrackId, opts.cardTemplateId, cardParams(card, directory), at);
        return outTrackId;
      }
      // Without a card template: an actionCard whose buttons open each pending approver's own signed
      // approval link (the page votes), and `@opsgate approve ID` works too.
      if (message.card && deps.approvalLink && message.card.status === 'AUDITING' && message.card.pending.length) {
        const card = message.card;
        const { text } = markdown(
          { text: `${card.title}\n\n${card.tally}\n\nOr: @opsgate approve ${card.ticketId}`, mentions: card.pending },
          directory,
        );
        const buttons = await Promise.all(
          card.pending
            .slice(0, 5)
            .map(async (a) => ({ title: `Review as ${a}`, url: await deps.approvalLink!(card.ticketId, a) })),
        );
        return api.sendActionCard(channel, card.title, text, buttons);
      }
      const { text } = markdown(
        message.card
          ? {
              ...message,
              text: `${message.text}\n\nApprove with @opsgate approve ${message.card.ticketId}`,
              mentions: message.card.pending,
            }
          : message,
        directory,
      );
      return api.sendGroup(channel, 'opsgate', text);
    },
    async update(channel, ref, message) {
      if (ref.startsWith('og-card-') && message.card) {
        await api.updateCard(ref, cardParams(message.card, directory));
        return;
      }
      // A robot's group messages cannot be edited; a changed card without a template is posted again.
      if (message.card) await adapter.post(channel, message);
    },
    start: async () => {
      await client.connect();
    },
    stop: async () => {
      client.disconnect();
    },
  };
  return adapter;
}

/** DingTalk is on when its client id and secret are set; people are `dingtalk: STAFF_ID`. */
export const dingtalkChat = chatAdapterFactory({
  platform: 'dingtalk',
  people: true,
  env: dingtalkEnv,
  create: (p, settings) =>
    createDingTalk(settings, {
      bot: p.bot,
      directory: p.directory,
      log: p.log,
      approvalLink: p.approvalLink,
    }),
});
