import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Directory, DirectoryUser } from '../config/directory.js';
import type { ApprovalService } from '../core/approval-service.js';
import type { Logger } from '../log.js';
import type { Ticket } from '../approval/ticket.js';
import type { ExecutionStore } from '../store/executions.js';
import type { Keys } from '../store/keys.js';
import { readerOf } from '../config/reader.js';
import { type Locale, type Msg, msg, render, t as tr } from '../i18n/index.js';
import { OpsgateError } from '../errors.js';
import { approvalMails } from './approval-mail.js';
import { sendMail } from './mail.js';
import { executionMasker, type Masker } from '../engine/mask.js';
import { isDingTalkRobot, renderWebhookBody, sendWebhook } from './webhook.js';

export interface DeliveryDeps {
  approvals: ApprovalService;
  directory: Directory;
  executions: ExecutionStore;
  redis: Redis;
  keys: Keys;
  secret(): Promise<string>;
  publicUrl: string;
  fetch: typeof fetch;
  now(): number;
  log: Logger;
  /** A delivery failed for good (metrics). */
  failed?(channel: string): void;
  /** OPSGATE_LOCALE and OPSGATE_TIMEZONE: the language of mail to someone the directory says nothing of. */
  defaults?: { locale: Locale; timezone: string };
}

/** A delivery that cannot go now (a robot's minute is full): the job comes back at `at`. */
export class LaterError extends Error {
  constructor(readonly at: number) {
    super(tr('en', 'notify:robotLater'));
  }
}

const ROBOT_PER_MINUTE = 20;

/**
 * Announces an active approval level the way the template asks (OOS NotifyType WebHook or Mail):
 * a DingTalk robot @-mentions the pending approvers, a mail goes to each with their own links. A
 * failure is retried by its job, then recorded on the execution; it never blocks the approval,
 * which chat and the API can still give.
 */
export class Deliveries {
  constructor(private readonly d: DeliveryDeps) {}

  async deliver(ticketId: string, level: number): Promise<string> {
    const t = await this.d.approvals.get(ticketId);
    const n = t.spec.notify;
    // i18n-exempt: a job's result, read by operators in the queue dashboard as they read log lines
    if (!n || t.status !== 'AUDITING' || t.level !== level) return 'nothing to announce';
    const voted = new Set(t.votes.map((v) => v.voter));
    const people = t.approvers
      .filter((a) => !voted.has(a))
      .map((a): DirectoryUser => this.d.directory.user(a) ?? { name: a, ids: {}, groups: [] });
    const link = t.executionId ? `${this.d.publicUrl}/executions/${t.executionId}` : undefined;
    // People read these (a robot's group chat, a mailbox): the run's NoEcho values stay out of them.
    const mask = await this.maskerOf(t);
    if (n.type === 'WebHook' && n.webhook) {
      const w = n.webhook;
      const mentions = {
        mobiles: people.map((p) => p.mobile).filter((m): m is string => !!m),
        // A DingTalk robot @-mentions by staff id, the directory's `dingtalk:` key (OOS WebHook's rule).
        userIds: people.map((p) => p.ids.dingtalk).filter((m): m is string => !!m),
      };
      const body = renderWebhookBody(mask.noEcho(w.content), { link: n.appendLink ? link : undefined, mentions });
      if (isDingTalkRobot(w.uri)) await this.robotSlot(w.uri);
      const r = await sendWebhook(
        { uri: w.uri, headers: w.headers, body, secret: w.secret },
        { fetch: this.d.fetch, now: this.d.now },
      );
      if (!r.ok) {
        // Its catalogue text goes with it: recorded after the last try, it is read in each reader's language.
        if (r.retry) throw new OpsgateError('NotificationFailed', r.text, 502);
        await this.recordFailure(t, 'WebHook', r.message, r.text);
      }
      // i18n-exempt: a job's result, read by operators in the queue dashboard as they read log lines
      return r.ok ? 'webhook sent' : 'webhook refused';
    }
    if (n.type === 'Mail' && n.mail) {
      const m = n.mail;
      const defaults = this.d.defaults ?? { locale: 'en', timezone: 'UTC' };
      // Each in the language and zone of its recipient.
      const to = people
        .filter((p) => p.email)
        .map((p) => ({ name: p.name, email: p.email!, reader: readerOf(p, defaults) }));
      const mails = approvalMails(t, to, {
        secret: await this.d.secret(),
        publicUrl: this.d.publicUrl,
        subject: mask.noEcho(m.subject),
        body: mask.noEcho(m.body),
      });
      for (const mail of mails)
        await sendMail({ host: m.host, port: m.port, username: m.username, password: m.password, from: m.from }, mail);
      const missing = people.filter((p) => !p.email).map((p) => p.name);
      if (missing.length) await this.recordFailure(t, 'Mail', msg('notify:noEmail', { names: missing.join(', ') }));
      // i18n-exempt: a job's result, read by operators in the queue dashboard as they read log lines
      return `${mails.length} mail(s) sent`;
    }
    // i18n-exempt: a job's result, read by operators in the queue dashboard as they read log lines
    return 'nothing to announce';
  }

  /** DingTalk throttles a robot for ten minutes past 20 messages a minute: never go past them. */
  private async robotSlot(uri: string): Promise<void> {
    const u = new URL(uri);
    const robot = createHash('sha256')
      .update(`${u.host}${u.pathname}${u.searchParams.get('access_token') ?? ''}`)
      .digest('hex')
      .slice(0, 16);
    const minute = Math.floor(this.d.now() / 60_000);
    const key = this.d.keys.robotMinute(robot, minute);
    const n = await this.d.redis.incr(key);
    if (n === 1) await this.d.redis.expire(key, 120);
    if (n > ROBOT_PER_MINUTE) throw new LaterError((minute + 1) * 60_000 + Math.floor(Math.random() * 2000));
  }

  /** The masker of the ticket's execution (NoEcho names recorded at its start); credentials only without one. */
  private async maskerOf(t: Pick<Ticket, 'executionId'>): Promise<Masker> {
    const exec = t.executionId ? await this.d.executions.find(t.executionId).catch(() => undefined) : undefined;
    return executionMasker(exec ?? { parameters: {} });
  }

  /** A delivery that failed for good, kept on the execution (status and page show it). */
  /**
   * A delivery that failed for good, on its execution (status and the page show it): in English, and with
   * its catalogue text when it has one, so each reader reads it in their language. Both masked.
   */
  async recordFailure(
    t: Pick<Ticket, 'id' | 'executionId'>,
    channel: string,
    message: string | Msg,
    text: Msg | undefined = typeof message === 'string' ? undefined : message,
  ): Promise<void> {
    const mask = await this.maskerOf(t);
    const masked = mask.text(typeof message === 'string' ? message : render(message, 'en'));
    this.d.log.warn({ ticketId: t.id, channel, err: masked }, 'approval notification failed');
    this.d.failed?.(channel);
    if (t.executionId)
      await this.d.executions.logDelivery(t.executionId, {
        time: new Date(this.d.now()).toISOString(),
        channel,
        ticketId: t.id,
        message: masked,
        ...(text ? { text: maskedMsg(text, mask) } : {}),
      });
  }
}

/** A Msg with every text it carries masked, at every depth (a URL's access_token, a NoEcho value). */
function maskedMsg(m: Msg, mask: Masker): Msg {
  if (!m.values) return m;
  const values = Object.fromEntries(
    Object.entries(m.values).map(([k, v]) => [
      k,
      typeof v === 'string' ? mask.text(v) : v && typeof v === 'object' && 'key' in v ? maskedMsg(v, mask) : v,
    ]),
  );
  return { key: m.key, values };
}
