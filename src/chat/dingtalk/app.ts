import { TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type { Directory } from '../../config/directory.js';
import type { Logger } from '../../log.js';
import type { Bot, CommandContext } from '../bot.js';
import { type ChatAdapter, chatAdapterFactory, type ChatMemory, type DeliveryFailure } from '../adapter.js';
import { channelOf } from './channel.js';
import { GatewayClient } from './client.js';
import { dingtalkEnv, type DingTalkOptions } from './env.js';
import { processMemory } from './memory.js';
import { DingTalkApi } from './openapi.js';
import { mentionMarkdown } from './render.js';
import { DingTalkSender } from './sender.js';
import { postTo, SessionWebhooks } from './session.js';

interface RobotMessage {
  conversationId: string;
  /** '1': a 1:1 chat with the robot; '2': a group. */
  conversationType?: string;
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

// i18n-exempt: the product's name as a DingTalk message title (the notification preview)
const TITLE = 'opsgate';

/**
 * The DingTalk robot over Stream Mode: @-mentions in a group and messages in a 1:1 chat become chat
 * commands, card clicks become votes. Every callback is acked at once (DingTalk redelivers unacked
 * ones); the work comes after. People on DingTalk read zh-CN unless the directory says otherwise.
 */
export function createDingTalk(
  opts: DingTalkOptions,
  deps: {
    bot: Bot;
    directory: Directory;
    log: Logger;
    /** A pending approver's own signed approval link (the mail links' page), for cards without a template. */
    approvalLink?: (ticketId: string, approver: string) => Promise<string>;
    /** Where session webhooks and cards' recipients are kept (Redis); absent, in this process. */
    memory?: ChatMemory;
    deliveryFailed?: (failure: DeliveryFailure) => Promise<void>;
    /** Retries of people DingTalk held back, on the notify queue (ChatPorts.retryLater); absent, in this process. */
    retryLater?: (data: Record<string, unknown>, delayMs: number) => Promise<void>;
  },
): ChatAdapter {
  const { bot, directory, log } = deps;
  const api = new DingTalkApi({
    apiUrl: opts.apiUrl,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    robotCode: opts.robotCode,
  });
  const memory = deps.memory ?? processMemory();
  const sessions = new SessionWebhooks(memory);
  const sender = new DingTalkSender({
    api,
    sessions,
    memory,
    directory,
    log,
    cardTemplateId: opts.cardTemplateId,
    approvalLink: deps.approvalLink,
    deliveryFailed: deps.deliveryFailed,
    retryDelaysMs: opts.retryDelaysMs,
    retryLater: deps.retryLater,
  });
  // keepAlive off: the SDK's heartbeat timer outlives disconnect() in 2.1.5; a dropped socket is
  // still noticed by its close event and reconnected (autoReconnect).
  const client = new GatewayClient(
    { clientId: opts.clientId, clientSecret: opts.clientSecret, keepAlive: false },
    opts.gatewayUrl,
  );
  // DingTalk tells no user's language: its people read zh-CN, below what the directory says of them.
  const ctxOf = (staffId: string, channel: string): CommandContext => ({
    actor: { platform: 'dingtalk', id: staffId, user: directory.byPlatform('dingtalk', staffId), locale: 'zh-CN' },
    platform: 'dingtalk',
    channel,
  });
  const oneToOne = async (staffId: string, text: string): Promise<void> => {
    await api.sendToUsers([staffId], { msgKey: 'sampleMarkdown', param: { title: TITLE, text } });
  };

  /**
   * An answer where the command was typed: 1:1 by oToMessages/batchSend; in a group through the
   * message's session webhook (@-mentioning the sender), or the robot OpenAPI once it expired.
   */
  const reply = async (m: RobotMessage, channel: string, text: string) => {
    const staff = m.senderStaffId ?? '';
    if (m.conversationType === '1' && staff) {
      await oneToOne(staff, text);
      return;
    }
    if (m.sessionWebhook && (m.sessionWebhookExpiredTime ?? 0) > Date.now()) {
      const body = mentionMarkdown(text, staff ? [{ name: staff, staffId: staff }] : []);
      if (await postTo(m.sessionWebhook, { title: TITLE, ...body })) return;
    }
    await api.sendGroup(channel, { msgKey: 'sampleMarkdown', param: { title: TITLE, text } });
  };

  client.registerCallbackListener(TOPIC_ROBOT, (frame: DWClientDownStream) => {
    client.socketCallBackResponse(frame.headers.messageId, {});
    const m = parse<RobotMessage>(frame.data);
    if (!m?.conversationId || !m.text?.content) {
      log.warn({ messageId: frame.headers.messageId }, 'DingTalk robot message not understood');
      return;
    }
    const channel = channelOf(m);
    // The @-mention is stripped by DingTalk, mostly: drop what is left of it.
    const text = m.text.content.trim().replace(/^@\S+\s*/, '');
    void sessions
      .remember(channel, m.sessionWebhook, m.sessionWebhookExpiredTime)
      .then(() => bot.answer(text, ctxOf(m.senderStaffId ?? m.senderId ?? '', channel)))
      // A group sees the session webhook's answers: a credential goes to the sender alone.
      .then((answer) =>
        answer.confidential && m.senderStaffId
          ? oneToOne(m.senderStaffId, answer.text)
          : reply(m, channel, answer.text),
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
        if (answer) await oneToOne(c.userId!, answer);
      })
      .catch((err: Error) => log.error({ err: err.message }, 'DingTalk vote failed'));
  });

  return {
    platform: 'dingtalk',
    // i18n-exempt: how the adapter is connected, for the start-up log
    name: 'DingTalk robot over Stream Mode',
    routes: [],
    post: (channel, message) => sender.post(channel, message),
    update: (channel, ref, message) => sender.update(channel, ref, message),
    retry: (data) => sender.retry(data),
    start: async () => {
      await client.connect();
    },
    stop: async () => {
      sender.stop();
      client.disconnect();
    },
  };
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
      memory: p.memory?.('dingtalk'),
      deliveryFailed: p.deliveryFailed,
      retryLater: p.retryLater && ((data, delayMs) => p.retryLater!('dingtalk', data, delayMs)),
    }),
});
