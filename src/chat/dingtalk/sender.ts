import { randomBytes } from 'node:crypto';
import type { Directory } from '../../config/directory.js';
import { type Locale, type MessageKey, msg, t, type Values } from '../../i18n/index.js';
import type { Logger } from '../../log.js';
import type { ChatMemory, DeliveryFailure } from '../adapter.js';
import type { OutMessage } from '../platform.js';
import { whereOf, type Where } from './channel.js';
import type { DingTalkApi, RobotMessage, SpaceResult } from './openapi.js';
import { atUserIds, cardParams, listOf, markdown, mentionMarkdown, type Person, peopleOf } from './render.js';
import type { SessionWebhooks } from './session.js';

export interface SenderDeps {
  api: DingTalkApi;
  sessions: SessionWebhooks;
  memory: ChatMemory;
  directory: Directory;
  log: Logger;
  cardTemplateId?: string;
  /** A pending approver's own signed approval link, for approvals without a card template. */
  approvalLink?: (ticketId: string, approver: string) => Promise<string>;
  /** Records what did not reach someone on the approval's execution. */
  deliveryFailed?: (failure: DeliveryFailure) => Promise<void>;
  /** Waits before people DingTalk held back (its per-person flow control) are sent to again. */
  retryDelaysMs?: readonly number[];
  /**
   * Hands a retry to the notify queue (ChatPorts.retryLater), which gives it back to `retry` in time, in
   * whichever bot process runs then; absent (a sender alone, in tests), this process waits for it.
   */
  retryLater?: (data: Record<string, unknown>, delayMs: number) => Promise<void>;
}

/** People DingTalk held back, and what to send them: a retry's data, kept as JSON until its time. */
interface HeldBack {
  ids: string[];
  message: RobotMessage;
  people: Person[];
  about: About;
  /** The try this will be (the first send was 1). */
  attempt: number;
}

/**
 * The language a message's readers read: its own, else its card's (a card rendered for the run's
 * reader says so), else DingTalk's people's, zh-CN.
 */
function localeOf(message: OutMessage): Locale {
  return message.locale ?? (message.card as { locale?: Locale } | undefined)?.locale ?? 'zh-CN';
}

/** The approval a message is about, when it is about one. */
type About = { id: string; executionId?: string } | undefined;

/** Who a card reached: @-mentioned or told (`told`), and whose 1:1 chat with the robot holds it (`robots`). */
interface CardMemo {
  channel: string;
  told: string[];
  robots: string[];
}

// i18n-exempt: the product's name as a DingTalk message title (the notification preview)
const TITLE = 'opsgate';
const CARD_MEMORY_MS = 30 * 24 * 3600_000;
const RETRY_DELAYS_MS = [60_000, 300_000];

/**
 * How opsgate's messages travel on DingTalk. A group takes robot messages and cards; a 1:1 chat takes
 * oToMessages/batchSend and cards in its IM_ROBOT space. The robot OpenAPI @-mentions nobody, so people
 * to notify are @-mentioned through the group's session webhook while it is valid, else sent 1:1 (and
 * given the card in their 1:1 chat, where there is one). What did not reach someone is recorded on the
 * execution; people DingTalk held back are tried again later, people it does not know are not.
 */
export class DingTalkSender {
  private readonly timers = new Set<NodeJS.Timeout>();
  constructor(private readonly d: SenderDeps) {}

  private get log(): Logger {
    return this.d.log;
  }

  async post(channel: string, message: OutMessage): Promise<string> {
    const where = whereOf(channel);
    const locale = localeOf(message);
    if (message.card) return this.postCard(channel, where, message, locale);
    if (message.mentions?.length) return this.remind(channel, where, message);
    return this.say(where, markdown(message.text), undefined);
  }

  async update(channel: string, ref: string, message: OutMessage): Promise<void> {
    const card = message.card;
    if (!card) return; // a robot's messages cannot be edited
    if (!ref.startsWith('og-card-') || !this.d.cardTemplateId) {
      await this.post(channel, message); // without a template, a changed card is posted again
      return;
    }
    const locale = localeOf(message);
    await this.d.api.updateCard(ref, cardParams(card, this.d.directory, locale));
    // An update notifies nobody: people a new level asks are told, once each.
    const memo = await this.memo(ref);
    if (!memo) return;
    const fresh = peopleOf(card.pending, this.d.directory).filter((p) => p.staffId && !memo.told.includes(p.staffId));
    if (!fresh.length) return;
    const about = { id: card.ticketId, executionId: card.executionId };
    const text = t(locale, 'dingtalk:waitsForYou', { title: card.title, tally: card.tally });
    await this.notify(memo.channel, whereOf(memo.channel), fresh, text, about, ref, memo);
  }

  /** Stops the retries still waiting in this process (the queue's wait for the next bot process). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** A markdown message in the channel: the group's, or the person's 1:1 chat. */
  private async say(where: Where, text: string, about: About): Promise<string> {
    const message: RobotMessage = { msgKey: 'sampleMarkdown', param: { title: TITLE, text } };
    if (where.kind === 'group') return this.d.api.sendGroup(where.conversationId, message);
    return this.toPeople([{ name: where.staffId, staffId: where.staffId }], message, about);
  }

  /** A reminder (a message that @-mentions people about an approval). */
  private async remind(channel: string, where: Where, message: OutMessage): Promise<string> {
    const people = peopleOf(message.mentions ?? [], this.d.directory);
    const outTrackId = message.ticket && (await this.d.memory.get(`ticket:${message.ticket.id}`));
    const memo = outTrackId ? await this.memo(outTrackId) : undefined;
    return this.notify(channel, where, people, message.text, message.ticket, outTrackId, memo);
  }

  /**
   * Tells people about an approval so that DingTalk notifies them: in a group, an @-mention through its
   * session webhook; without one (expired, or a 1:1 chat's run), a 1:1 message to each, and the card
   * in their 1:1 chat when there is a card. Returns the group message's reference, if any.
   */
  private async notify(
    channel: string,
    where: Where,
    people: Person[],
    text: string,
    about: About,
    outTrackId?: string,
    memo?: CardMemo,
  ): Promise<string> {
    this.noIds(people, about);
    const known = people.filter((p) => p.staffId);
    if (
      where.kind === 'group' &&
      (await this.d.sessions.post(channel, { title: TITLE, ...mentionMarkdown(text, people) }))
    )
      return this.told(outTrackId, memo, known, []);
    let ref = '';
    if (where.kind === 'group')
      ref = await this.d.api.sendGroup(where.conversationId, this.markdownOf(markdown(text, people)));
    await this.toPeople(known, this.markdownOf(text), about);
    const robots = outTrackId && memo ? await this.deliverCard(outTrackId, known, memo, about) : [];
    await this.told(outTrackId, memo, known, robots);
    return ref;
  }

  private markdownOf(text: string): RobotMessage {
    return { msgKey: 'sampleMarkdown', param: { title: TITLE, text } };
  }

  private async postCard(channel: string, where: Where, message: OutMessage, locale: Locale): Promise<string> {
    const card = message.card!;
    const about = { id: card.ticketId, executionId: card.executionId };
    const pending = peopleOf(card.pending, this.d.directory);
    if (this.d.cardTemplateId) return this.postTemplateCard(channel, where, message, pending, locale);
    if (this.d.approvalLink && card.status === 'AUDITING' && pending.length) {
      // Without a card template: each pending approver's own signed link (the page votes), and `@opsgate approve ID`.
      const links = await Promise.all(
        pending.map(async (p) => ({ person: p, url: await this.d.approvalLink!(card.ticketId, p.name) })),
      );
      const waits = t(locale, 'dingtalk:waitsForYou', { title: card.title, tally: card.tally });
      const orApprove = t(locale, 'dingtalk:orApproveWith', { id: card.ticketId });
      this.noIds(pending, about);
      if (where.kind === 'group') {
        const text = `${markdown(`${card.title}\n\n${card.tally}`, pending)}\n\n${orApprove}`;
        const buttons = links
          .slice(0, 5)
          .map((l) => ({ title: t(locale, 'dingtalk:reviewAs', { name: l.person.name }), url: l.url }));
        const ref = await this.d.api.sendGroup(where.conversationId, actionCard(card.title, text, buttons, locale));
        const mention = { title: TITLE, ...mentionMarkdown(waits, pending) };
        if (await this.d.sessions.post(channel, mention)) return ref;
        await this.personalLinks(links, waits, orApprove, about, locale);
        return ref;
      }
      const names = listOf(
        pending.map((p) => p.name),
        locale,
      );
      const text = t(locale, 'dingtalk:waitingFor', { title: card.title, tally: card.tally, names });
      const ref = await this.say(where, text, about);
      await this.personalLinks(links, waits, orApprove, about, locale);
      return ref;
    }
    const open = card.status === 'AUDITING';
    const text = open ? `${message.text}\n\n${t(locale, 'dingtalk:approveWith', { id: card.ticketId })}` : message.text;
    if (!open || !pending.length) return this.say(where, markdown(text), about);
    return this.notify(channel, where, pending, text, about);
  }

  /** Each approver's own link, as a one-button actionCard in their 1:1 chat with the robot. */
  private async personalLinks(
    links: { person: Person; url: string }[],
    waits: string,
    orApprove: string,
    about: About,
    locale: Locale,
  ): Promise<void> {
    for (const { person, url } of links) {
      if (!person.staffId) continue;
      const message = actionCard(
        waits,
        `${waits}\n\n${orApprove}`,
        [{ title: t(locale, 'dingtalk:reviewAndVote'), url }],
        locale,
      );
      await this.toPeople([person], message, about);
    }
  }

  /**
   * The interactive card: in a group, delivered there @-mentioning the pending approvers (staffId ->
   * name); from a 1:1 chat, into the requester's 1:1 chat and each pending approver's.
   */
  private async postTemplateCard(
    channel: string,
    where: Where,
    message: OutMessage,
    pending: Person[],
    locale: Locale,
  ): Promise<string> {
    const card = message.card!;
    const about = { id: card.ticketId, executionId: card.executionId };
    const outTrackId = `og-card-${card.ticketId}-${randomBytes(4).toString('hex')}`;
    const approvers = pending.filter((p) => p.staffId && (where.kind === 'group' || p.staffId !== where.staffId));
    const spaces =
      where.kind === 'group'
        ? [{ type: 'IM_GROUP' as const, id: where.conversationId }]
        : [where.staffId, ...approvers.map((p) => p.staffId!)].map((id) => ({ type: 'IM_ROBOT' as const, id }));
    this.noIds(pending, about);
    const results = await this.d.api.createAndDeliverCard({
      outTrackId,
      templateId: this.d.cardTemplateId!,
      params: cardParams(card, this.d.directory, locale),
      spaces,
      atUserIds: where.kind === 'group' ? atUserIds(pending) : undefined,
    });
    const [first, ...others] = results;
    // Where the card was asked for did not get it: the notification job tries again.
    if (first && !first.success) throw new CardNotDelivered(first);
    await this.spaceFailures(others, approvers, about);
    const robots = others.filter((r) => r.success).map((r) => r.id);
    const memo: CardMemo = { channel, told: approvers.map((p) => p.staffId!), robots };
    await this.d.memory.set(`card:${outTrackId}`, JSON.stringify(memo), CARD_MEMORY_MS);
    await this.d.memory.set(`ticket:${card.ticketId}`, outTrackId, CARD_MEMORY_MS);
    return outTrackId;
  }

  /** The card into the 1:1 chats of those who do not have it there yet; returns whose it reached. */
  private async deliverCard(outTrackId: string, people: Person[], memo: CardMemo, about: About): Promise<string[]> {
    const to = people.filter((p) => p.staffId && !memo.robots.includes(p.staffId));
    if (!to.length) return [];
    const results = await this.d.api.deliverCard(
      outTrackId,
      to.map((p) => p.staffId!),
    );
    await this.spaceFailures(results, to, about);
    return results.filter((r) => r.success).map((r) => r.id);
  }

  private async spaceFailures(results: SpaceResult[], people: Person[], about: About) {
    for (const r of results.filter((x) => !x.success)) {
      const who = people.find((p) => p.staffId === r.id)?.name ?? r.id;
      await this.fail(about, 'dingtalk:cardNotDelivered', { who, error: r.errorMsg ?? '' });
    }
  }

  /** Remembers who a card told and whose 1:1 chat has it. Returns '' (no group message was posted). */
  private async told(outTrackId: string | undefined, memo: CardMemo | undefined, told: Person[], robots: string[]) {
    if (!outTrackId || !memo) return '';
    const next: CardMemo = {
      ...memo,
      told: [...new Set([...memo.told, ...told.map((p) => p.staffId!)])],
      robots: [...new Set([...memo.robots, ...robots])],
    };
    await this.d.memory.set(`card:${outTrackId}`, JSON.stringify(next), CARD_MEMORY_MS);
    return '';
  }

  private async memo(outTrackId: string): Promise<CardMemo | undefined> {
    const raw = await this.d.memory.get(`card:${outTrackId}`);
    return raw ? (JSON.parse(raw) as CardMemo) : undefined;
  }

  /** A robot message to each person 1:1; who DingTalk does not know is recorded, who it held back retried. */
  private async toPeople(people: Person[], message: RobotMessage, about: About): Promise<string> {
    const ids = [...new Set(people.flatMap((p) => (p.staffId ? [p.staffId] : [])))];
    if (!ids.length) return '';
    const r = await this.d.api.sendToUsers(ids, message);
    await this.outcome(r.invalid, r.flowControlled, { ids, message, people, about, attempt: 1 });
    return r.processQueryKey;
  }

  /** Sends again to people DingTalk held back: what `outcome` handed to retryLater, given back in time. */
  async retry(data: Record<string, unknown>): Promise<void> {
    const held = data as unknown as HeldBack;
    const r = await this.d.api.sendToUsers(held.ids, held.message);
    await this.outcome(r.invalid, r.flowControlled, held);
  }

  /** Records who DingTalk does not know; who it held back is tried again later, until the tries run out. */
  private async outcome(invalid: string[], held: string[], sent: HeldBack): Promise<void> {
    const { people, about, attempt } = sent;
    const names = (ids: string[]) => ids.map((id) => people.find((p) => p.staffId === id)?.name ?? id).join(', ');
    if (invalid.length) await this.fail(about, 'dingtalk:unknownStaff', { names: names(invalid) });
    if (!held.length) return;
    const delays = this.d.retryDelaysMs ?? RETRY_DELAYS_MS;
    const delay = delays[attempt - 1];
    if (delay === undefined) {
      await this.fail(about, 'dingtalk:flowControlled', { names: names(held), tries: delays.length });
      return;
    }
    const next: HeldBack = {
      ids: held,
      message: sent.message,
      people: people.filter((p) => p.staffId && held.includes(p.staffId)),
      about,
      attempt: attempt + 1,
    };
    if (this.d.retryLater) {
      await this.d.retryLater(next as unknown as Record<string, unknown>, delay);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.retry(next as unknown as Record<string, unknown>).catch((err: Error) =>
        this.log.warn({ err: err.message }, 'DingTalk 1:1 message retry failed'),
      );
    }, delay);
    timer.unref?.();
    this.timers.add(timer);
  }

  /** People the directory has no DingTalk id for cannot be reached: that is recorded too. */
  private noIds(people: Person[], about: About): void {
    const missing = people.filter((p) => !p.staffId).map((p) => p.name);
    if (missing.length) void this.fail(about, 'dingtalk:noDingTalkId', { names: missing.join(', ') });
  }

  /** Recorded in English with its catalogue message beside it, as a task's message is. */
  private async fail(about: About, key: MessageKey, values: Values): Promise<void> {
    const message = t('en', key, values);
    if (!about?.executionId || !this.d.deliveryFailed) {
      this.log.warn({ ticketId: about?.id, err: message }, 'DingTalk message not delivered');
      return;
    }
    await this.d.deliveryFailed({
      executionId: about.executionId,
      ticketId: about.id,
      channel: 'DingTalk',
      message,
      text: msg(key, values),
    });
  }
}

/** The card did not reach the group or chat it was posted to (the job's log says so; the job retries). */
class CardNotDelivered extends Error {
  constructor(r: SpaceResult) {
    super(`${r.type}.${r.id}: ${r.errorMsg ?? ''}`);
    this.name = 'CardNotDelivered';
  }
}

/**
 * An actionCard robot message: buttons that open URLs (DingTalk's message templates sampleActionCard
 * with one button, sampleActionCard2..5 with two to five, stacked).
 */
function actionCard(
  title: string,
  text: string,
  buttons: { title: string; url: string }[],
  locale: Locale,
): RobotMessage {
  const n = Math.min(buttons.length, 5);
  if (n <= 1) {
    const one = buttons[0];
    return {
      msgKey: 'sampleActionCard',
      param: { title, text, singleTitle: one?.title ?? t(locale, 'dingtalk:open'), singleURL: one?.url ?? '' },
    };
  }
  const param: Record<string, string> = { title, text };
  buttons.slice(0, n).forEach((b, i) => {
    param[`actionTitle${i + 1}`] = b.title;
    param[`actionURL${i + 1}`] = b.url;
  });
  return { msgKey: `sampleActionCard${n}`, param };
}
