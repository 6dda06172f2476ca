import type { ChatMemory } from '../adapter.js';

/**
 * Each conversation's latest sessionWebhook, from the last robot message in it, kept until its
 * sessionWebhookExpiredTime. It is the one way a robot's message @-mentions people so DingTalk notifies
 * them: its body takes `at.atUserIds` (and `@userId` in the text), the robot OpenAPI takes no `at`.
 */
export class SessionWebhooks {
  constructor(
    private readonly memory: ChatMemory,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps a message's webhook for its channel until it expires; an expired or missing one is not kept. */
  async remember(channel: string, url: string | undefined, expiresAt: number | undefined): Promise<void> {
    const ttl = (expiresAt ?? 0) - this.now();
    if (!url || ttl < 1000) return;
    await this.memory.set(`session:${channel}`, JSON.stringify({ url, expiresAt }), ttl);
  }

  /** The channel's webhook while it is valid. */
  async valid(channel: string): Promise<string | undefined> {
    const raw = await this.memory.get(`session:${channel}`);
    if (!raw) return undefined;
    const { url, expiresAt } = JSON.parse(raw) as { url: string; expiresAt: number };
    return expiresAt > this.now() ? url : undefined;
  }

  /** Posts a markdown message to the channel's session; false when there is none or DingTalk refused it. */
  async post(channel: string, body: { title: string; text: string; atUserIds: string[] }): Promise<boolean> {
    const url = await this.valid(channel);
    return url ? postTo(url, body) : false;
  }
}

/** One POST to a session webhook; DingTalk answers errcode 0 when it took the message. */
export async function postTo(url: string, body: { title: string; text: string; atUserIds: string[] }) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(10_000),
    body: JSON.stringify({
      msgtype: 'markdown',
      markdown: { title: body.title, text: body.text },
      at: { atUserIds: body.atUserIds, isAtAll: false },
    }),
  }).catch(() => undefined);
  const answer = (await res?.json().catch(() => undefined)) as { errcode?: number } | undefined;
  return !!res?.ok && (answer?.errcode ?? 0) === 0;
}
