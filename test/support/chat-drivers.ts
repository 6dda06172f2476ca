import type { FakeSlackApi } from '../fakes/slack-api.js';
import { SlackSender } from '../fakes/slack-client.js';
import type { FakeSlackSocket } from '../fakes/slack-socket.js';
import type { FakeDingTalk } from '../fakes/dingtalk.js';
import { consolePost, until, type Opsgate } from './harness.js';

/** What every chat adapter must let a person do, seen from outside the adapter. */
export interface ChatDriver {
  name: string;
  /** Types a command as `user`; the private answer. */
  command(user: string, text: string): Promise<string>;
  /** The approval card as that platform shows it: its text, and whether it still has buttons. */
  card(ticketId: string): Promise<{ text: string; buttons: boolean } | undefined>;
  /** Presses Approve or Reject on the card; the private answer, if any. */
  press(user: string, action: 'approve' | 'reject', ticketId: string, reason?: string): Promise<string | undefined>;
  /** The messages in the thread under the run's first message. */
  thread(execId: string): Promise<string[]>;
  /** Platforms with forms: `run TEMPLATE` opens one; submitting answers errors per field, or nothing. */
  forms?: {
    open(
      user: string,
      template: string,
    ): Promise<{ blocks: { block_id?: string; type: string }[]; private_metadata: string }>;
    submit(
      user: string,
      view: { private_metadata: string },
      values: Record<string, string>,
      viewId?: string,
    ): Promise<Record<string, string> | undefined>;
    lastPrivate(): string | undefined;
  };
}

const SLACK_IDS: Record<string, string> = {
  alice: 'U0001',
  bob: 'U0002',
  carol: 'U0003',
  dave: 'U0004',
  mallory: 'U9999',
};

export function consoleDriver(og: Opsgate): ChatDriver {
  const post = async (path: string, body: unknown) => {
    const r = await consolePost(og, path, body);
    return ((await r.json()) as { reply?: string | null }).reply ?? undefined;
  };
  return {
    name: 'console',
    command: async (user, text) => (await post('/console/command', { user, text })) ?? '',
    async card(ticketId) {
      const { messages } = (await (await fetch(`${og.url}/console/state`)).json()) as {
        messages: {
          card?: { ticketId: string; tally: string; pending: string[]; outcome?: string; buttons: unknown[] };
        }[];
      };
      const c = messages.find((m) => m.card?.ticketId === ticketId)?.card;
      return (
        c && {
          text: `${c.tally} ${c.pending.map((p) => `@${p}`).join(' ')} ${c.outcome ?? ''}`,
          buttons: c.buttons.length > 0,
        }
      );
    },
    press: (user, action, ticketId) => post('/console/action', { user, action, value: ticketId }),
    async thread(execId) {
      const { messages } = (await (await fetch(`${og.url}/console/state`)).json()) as {
        messages: { id: string; text: string; thread?: string }[];
      };
      const first = messages.find((m) => !m.thread && m.text.includes(execId));
      return first ? messages.filter((m) => m.thread === first.id).map((m) => m.text) : [];
    },
  };
}

type Blocks = { type: string; text?: { text: string }; elements?: { text?: string | { text: string } }[] }[];

/** Slack over HTTP (signed requests to /slack/events) or Socket Mode (envelopes on the socket). */
export function slackDriver(
  og: Opsgate,
  api: FakeSlackApi,
  socket?: FakeSlackSocket,
  secret = 'test-signing-secret',
): ChatDriver {
  const sender = new SlackSender(`${og.url}/slack/events`, secret, api.base);
  const replies = () => api.of('response_url').map((r) => String(r.text));
  const deliver = async (body: string, kind: 'slash_commands' | 'interactive') => {
    if (!socket) {
      const r = await sender.post(body);
      if (r.status !== 200) throw new Error(`Slack answered ${r.status}`);
      return;
    }
    const payload =
      kind === 'slash_commands'
        ? Object.fromEntries(new URLSearchParams(body))
        : JSON.parse(decodeURIComponent(body.slice('payload='.length)));
    const id = socket.send(kind, payload);
    await until(() => socket.acked(id), 'the envelope ack');
  };
  /** A view_submission as Slack sends it; the ack's body (errors, or nothing). */
  const submitView = async (
    user: string,
    callbackId: string,
    privateMetadata: string,
    values: Record<string, unknown>,
    viewId = `V${Math.random().toString(36).slice(2)}`,
  ): Promise<unknown> => {
    const payload = {
      type: 'view_submission',
      team: { id: 'T0001', domain: 'fake' },
      user: { id: SLACK_IDS[user], username: user, name: user, team_id: 'T0001' },
      api_app_id: 'A0001',
      token: 'legacy',
      trigger_id: '5555.6666.ijkl',
      is_enterprise_install: false,
      enterprise: null,
      response_urls: [],
      view: {
        id: viewId,
        team_id: 'T0001',
        type: 'modal',
        callback_id: callbackId,
        private_metadata: privateMetadata,
        hash: 'h1',
        root_view_id: 'V1',
        app_id: 'A0001',
        bot_id: 'BBOT',
        title: { type: 'plain_text', text: 'opsgate' },
        blocks: [],
        state: { values },
      },
    };
    if (socket) {
      const id = socket.send('interactive', payload);
      return (await until(() => socket.acked(id), 'the ack')).payload;
    }
    const r = await sender.post(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
    return r.text ? JSON.parse(r.text) : undefined;
  };
  const answer = async (before: number, wait: boolean) => {
    if (!wait) {
      await new Promise((r) => setTimeout(r, 150));
      return replies().slice(before)[0];
    }
    return until(() => replies().slice(before)[0], 'a private answer');
  };
  const cardMessage = (ticketId: string) => {
    const posts = api
      .of('chat.postMessage')
      .filter((m) => m.blocks && JSON.stringify(m.blocks).includes(`approval-${ticketId}`));
    const post = posts[0];
    if (!post) return undefined;
    return (
      api
        .of('chat.update')
        .filter((u) => u.ts === post.ts)
        .at(-1) ?? post
    );
  };
  return {
    name: socket ? 'slack-socket' : 'slack-http',
    async command(user, text) {
      const before = replies().length;
      await deliver(sender.slashBody(SLACK_IDS[user]!, text), 'slash_commands');
      return (await answer(before, true))!;
    },
    async card(ticketId) {
      const m = cardMessage(ticketId);
      if (!m) return undefined;
      const blocks = m.blocks as Blocks;
      return {
        text: JSON.stringify(blocks)
          .replace(/<@U0002>/g, '@bob')
          .replace(/<@U0003>/g, '@carol'),
        buttons: blocks.some((b) => b.type === 'actions'),
      };
    },
    async press(user, action, ticketId, reason) {
      const m = cardMessage(ticketId)!;
      const before = replies().length;
      const modals = api.of('views.open').length;
      await deliver(
        sender.buttonBody(SLACK_IDS[user]!, action, ticketId, { channel: 'C0001', ts: String(m.ts) }),
        'interactive',
      );
      if (action === 'approve') return answer(before, false);
      // Reject asks why in a modal; its submit casts the vote.
      const view = await until(
        () => api.of('views.open')[modals]?.view as { private_metadata: string } | undefined,
        'the reject modal',
      );
      const privates = api.of('chat.postEphemeral').length;
      await submitView(user, 'opsgate-reject', view.private_metadata, {
        reason: { value: { type: 'plain_text_input', value: reason ?? '' } },
      });
      await new Promise((r) => setTimeout(r, 150));
      return api
        .of('chat.postEphemeral')
        .slice(privates)
        .map((x) => String(x.text))[0];
    },
    async thread(execId) {
      const first = api.of('chat.postMessage').find((m) => !m.thread_ts && String(m.text).includes(execId));
      return first
        ? api
            .of('chat.postMessage')
            .filter((m) => m.thread_ts === first.ts)
            .map((m) => String(m.text))
        : [];
    },
    forms: {
      async open(user, template) {
        const before = api.of('views.open').length;
        await deliver(sender.slashBody(SLACK_IDS[user]!, `run ${template}`), 'slash_commands');
        return until(
          () =>
            api.of('views.open')[before]?.view as
              | { blocks: { block_id?: string; type: string }[]; private_metadata: string }
              | undefined,
          'views.open',
        );
      },
      async submit(user, view, values, viewId) {
        const state = Object.fromEntries(
          Object.entries(values).map(([k, v]) => [`p-${k}`, { value: { type: 'plain_text_input', value: v } }]),
        );
        const a = (await submitView(user, 'opsgate-run', view.private_metadata, state, viewId)) as
          | { response_action?: string; errors?: Record<string, string> }
          | undefined;
        return a?.response_action === 'errors'
          ? Object.fromEntries(Object.entries(a.errors ?? {}).map(([k, v]) => [k.replace(/^p-/, ''), v]))
          : undefined;
      },
      lastPrivate: () =>
        api
          .of('chat.postEphemeral')
          .map((m) => String(m.text))
          .at(-1),
    },
  };
}

/** DingTalk over Stream Mode: @-mentions in a group, card clicks, answers by session webhook or 1:1. */
export function dingtalkDriver(_og: Opsgate, fake: FakeDingTalk): ChatDriver {
  const staff = (user: string) => `staff-${user}`;
  const cardOf = (ticketId: string) =>
    [...fake.cards.entries()].find(
      ([, c]) => (c.create.cardData as { cardParamMap: Record<string, string> }).cardParamMap.ticketId === ticketId,
    );
  const paramsOf = (c: { create: Record<string, unknown>; updates: Record<string, unknown>[] }) =>
    ((c.updates.at(-1) ?? c.create).cardData as { cardParamMap: Record<string, string> }).cardParamMap;
  return {
    name: 'dingtalk',
    async command(user, text) {
      const [sessions, groups] = [fake.sessionMessages.length, fake.groupMessages.length];
      fake.robotMessage({ text: `@opsgate ${text}`, senderStaffId: staff(user) });
      // By the message's session webhook, or by the OpenAPI once the session expired.
      return until(() => {
        const s = fake.sessionMessages[sessions];
        if (s) return String((s.body as { markdown?: { text?: string } }).markdown?.text ?? '');
        const g = fake.groupMessages.slice(groups).find((m) => !String(m.msgParam).includes('started '));
        return g ? String(JSON.parse(String(g.msgParam)).text) : undefined;
      }, 'the answer in the group');
    },
    async card(ticketId) {
      const c = cardOf(ticketId);
      if (!c) return undefined;
      const p = paramsOf(c[1]);
      const pending = (p.pending ?? '').replace(/@staff-(\w+)/g, '@$1');
      return { text: `${p.tally} ${pending} ${p.outcome} ${p.comments}`, buttons: p.open === 'true' };
    },
    async press(user, action, ticketId, reason) {
      const c = cardOf(ticketId)!;
      const before = fake.privateMessages.length;
      const id = fake.cardClick({
        outTrackId: c[0],
        userId: staff(user),
        actionId: action,
        params: { ticketId, ...(reason ? { reason } : {}) },
      });
      await until(() => fake.ackFor(id), 'the ack of the click');
      await new Promise((r) => setTimeout(r, 200));
      const m = fake.privateMessages.slice(before)[0];
      return m ? String(JSON.parse(String(m.msgParam)).text) : undefined;
    },
    async thread(execId) {
      const texts = fake.groupMessages.map((m) => String(JSON.parse(String(m.msgParam)).text));
      const first = texts.findIndex((t) => t.includes(execId));
      return first < 0 ? [] : texts.slice(first + 1);
    },
  };
}
