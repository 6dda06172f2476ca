import type { Redis } from 'ioredis';
import type { LevelRecord, Ticket, TicketDoc, TicketStatus, Vote, VoteDecision } from '../approval/ticket.js';
import { TicketNotFoundError } from '../errors.js';
import { type Msg, msg, render, t } from '../i18n/index.js';
import type { CloseCode } from '../engine/actions/types.js';
import { packDoc, unpackDoc } from './doc-codec.js';
import { levelFields, levelsOf } from './level-fields.js';
import type { Keys } from './keys.js';
import { runScript } from './scripts.js';
import { TicketStatusIndex } from './ticket-index.js';

export type { CloseCode };

/** The status each close code leaves: only the approvers' own decisions are not CANCEL. */
const STATUS_OF: Record<CloseCode, TicketStatus> = {
  approved: 'APPROVED',
  rejected: 'REJECT',
  'timed-out': 'CANCEL',
  withdrawn: 'CANCEL',
  cancelled: 'CANCEL',
  unresolvable: 'CANCEL',
};

export type BallotOutcome = 'missing' | 'closed' | 'not-approver' | 'duplicate' | 'recorded' | 'level-done' | 'decided';

/**
 * Approval tickets: numeric ids, kept beside their execution (same hash tag) or, for approvals of
 * outside artifacts, under their own tag. Every change goes through a script of store/lua/.
 */
export class ApprovalTickets {
  /** Ticket ids by status (the counts of /metrics): placed where a ticket opens and closes. */
  readonly statuses: TicketStatusIndex;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    this.statuses = new TicketStatusIndex(redis, keys);
  }

  /** A ticket's id -> its owner's tag never changes: kept in memory once read. */
  private readonly tags = new Map<string, string>();

  private k(tag: string, id: string) {
    return {
      ticket: this.keys.ticket(tag, id),
      votes: this.keys.ticketVotes(tag, id),
      doc: this.keys.ticketDoc(tag, id),
      levels: this.keys.ticketLevels(tag, id),
    };
  }

  private async tagOf(id: string): Promise<string | undefined> {
    if (!/^\d{1,15}$/.test(id)) return undefined;
    const known = this.tags.get(id);
    if (known) return known;
    const tag = (await this.redis.hget(this.keys.ticketIndex, id)) ?? undefined;
    if (tag) {
      if (this.tags.size > 10_000) this.tags.clear();
      this.tags.set(id, tag);
    }
    return tag;
  }

  /** Creates the ticket of `doc.key` once; a second call returns the first ticket's id. */
  async create(doc: Omit<TicketDoc, 'id'>): Promise<string> {
    // An execution's task -> ticket map lives in the execution's own hash (a field, not a key of
    // its own, and in the same Cluster slot); an artifact's ticket is its own owner.
    if (doc.executionId) {
      const existing = await this.redis.hget(this.keys.execution(doc.executionId), `ticket:${doc.key}`);
      // Written again: a crash between the ticket and its index must not lose the index.
      if (existing) {
        await this.redis.hset(this.keys.ticketIndex, existing, doc.executionId);
        return existing;
      }
    }
    const id = String(await this.redis.incr(this.keys.ticketSeq));
    const tag = doc.executionId ?? `ticket-${id}`;
    const k = this.k(tag, id);
    const byKey = doc.executionId ? this.keys.execution(doc.executionId) : k.ticket;
    const created = await runScript<string>(
      this.redis,
      'ticket-create',
      [byKey, k.ticket, k.votes, k.doc],
      // Written once and read at every card and vote: kept deflated (doc-codec.ts), without what its
      // keys say (its id, its execution).
      [doc.key, id, packDoc(JSON.stringify({ ...doc, executionId: undefined }), true)],
    );
    await this.redis.hset(this.keys.ticketIndex, created, doc.executionId ?? `ticket-${created}`);
    await this.statuses.place(created, 'AUDITING', this.k(doc.executionId ?? `ticket-${created}`, created).ticket);
    return created;
  }

  /** Every ticket an execution's tasks opened (field ticket:<key> of its hash). */
  async ofExecution(executionId: string): Promise<string[]> {
    const fields = await this.redis.hgetall(this.keys.execution(executionId));
    return Object.entries(fields)
      .filter(([k]) => k.startsWith('ticket:'))
      .map(([, id]) => id);
  }

  async executionOf(id: string): Promise<string | undefined> {
    const tag = await this.tagOf(id);
    return tag?.startsWith('exec-') ? tag : undefined;
  }

  async get(id: string): Promise<Ticket> {
    const tag = await this.tagOf(id);
    if (!tag) throw new TicketNotFoundError(id);
    const k = this.k(tag, id);
    const [fields, votes, doc, legacyLevels] = await Promise.all([
      this.redis.hgetall(k.ticket),
      this.redis.hgetall(k.votes),
      this.redis.getBuffer(k.doc),
      // Level records an older opsgate kept under a key of their own.
      this.redis.get(k.levels),
    ]);
    if (!doc) throw new TicketNotFoundError(id);
    const ticket = withDefaults({
      ...(JSON.parse(unpackDoc(doc)) as TicketDoc),
      id,
      ...(tag.startsWith('exec-') ? { executionId: tag } : {}),
    });
    return {
      ...ticket,
      status: fields.status as TicketStatus,
      level: Number(fields.level),
      approvals: Number(fields.approvals),
      required: Number(fields.required),
      reason: fields.reason,
      ...(fields.reasonText ? { reasonText: JSON.parse(fields.reasonText) as Msg } : {}),
      decidedAt: fields.decidedAt,
      ...closeCodeOf(fields),
      votes: Object.entries(votes)
        .map(([voter, v]) => ({ voter, ...(JSON.parse(v) as Omit<Vote, 'voter'>) }))
        .sort((a, b) => a.date.localeCompare(b.date)),
      levels: levelsOf(fields, ticket.spec, legacyLevels),
      approvers: (JSON.parse(fields.approvers ?? '[]') as string[]).sort(),
    };
  }

  /** Activates level `to` if the ticket is still advancing from `from`; false when another caller did. */
  async activate(id: string, from: number, record: LevelRecord): Promise<boolean> {
    const tag = (await this.tagOf(id))!;
    const k = this.k(tag, id);
    const done =
      (await runScript<number>(
        this.redis,
        'level-activate',
        [k.ticket],
        [
          String(from),
          String(record.index),
          record.required,
          JSON.stringify(record.approvers),
          ...levelFields(record).set,
        ],
      )) === 1;
    if (done) await this.changed(tag);
    return done;
  }

  /** Records a level that was not activated (skipped by its criteria), or a level's end. */
  async putLevel(id: string, record: LevelRecord): Promise<void> {
    const k = this.k((await this.tagOf(id))!, id);
    const { set, unset } = levelFields(record);
    await runScript(this.redis, 'level-put', [k.ticket], [unset, ...set]);
  }

  /** While advancing past skipped levels, the ticket's level moves on without activating them. */
  async skipTo(id: string, index: number): Promise<void> {
    const k = this.k((await this.tagOf(id))!, id);
    await this.redis.hset(k.ticket, 'level', index);
  }

  async ballot(
    id: string,
    voter: string,
    decision: VoteDecision,
    comment: string | undefined,
    now: string,
    channel = '',
  ): Promise<{
    outcome: BallotOutcome;
    status: TicketStatus;
    approvals: number;
    level: number;
    required: number;
    executionId?: string;
  }> {
    const tag = await this.tagOf(id);
    if (!tag) return { outcome: 'missing', status: 'CANCEL', approvals: 0, level: -1, required: 0 };
    const k = this.k(tag, id);
    const [outcome, status, approvals, level, required] = await runScript<
      [BallotOutcome, TicketStatus, number, number, number]
    >(
      this.redis,
      'ballot',
      [k.ticket, k.votes],
      [voter, decision, comment ?? '', now, tag.startsWith('exec-') ? this.keys.executionEvents : '', tag, channel],
    );
    // The audit's index of votes by date (its own key, another slot in a Cluster: not in the script).
    if (outcome === 'recorded' || outcome === 'level-done' || outcome === 'decided')
      await this.redis.zadd(this.keys.votesByDate, Date.parse(now), voteMember(id, voter));
    if (outcome === 'decided') await this.statuses.place(id, status, k.ticket);
    return {
      outcome,
      status,
      approvals: Number(approvals),
      level: Number(level),
      required: Number(required),
      executionId: tag.startsWith('exec-') ? tag : undefined,
    };
  }

  /**
   * Ends an open ticket with the status its code implies; true only for the call that changed it. A reason from
   * the catalogue is kept in English (`reason`, what the API answers) and as its Msg (`reasonText`).
   */
  async close(
    id: string,
    code: CloseCode,
    reason: string | Msg,
    now: string,
    mustBeAdvancing = false,
  ): Promise<boolean> {
    const k = this.k((await this.tagOf(id))!, id);
    const text = typeof reason === 'string' ? '' : JSON.stringify(reason);
    const args = [STATUS_OF[code], render(reason, 'en'), now, mustBeAdvancing ? '1' : '0', code, text];
    const closed = (await runScript<number>(this.redis, 'ticket-close', [k.ticket], args)) === 1;
    if (closed) await this.statuses.place(id, STATUS_OF[code], k.ticket);
    return closed;
  }

  /** TRANSFER (one leaves, one joins) or escalation (only joining) on the active level. */
  async changeApprovers(
    id: string,
    level: number,
    leaving: string,
    joining: string[],
  ): Promise<'ok' | 'closed' | 'moved' | 'not-pending' | 'already'> {
    const tag = (await this.tagOf(id))!;
    const k = this.k(tag, id);
    const r = await runScript<'ok' | 'closed' | 'moved' | 'not-pending' | 'already'>(
      this.redis,
      'ticket-approvers',
      [k.ticket, k.votes],
      [String(level), leaving, ...joining],
    );
    if (r === 'ok') await this.changed(tag);
    return r;
  }

  /**
   * Tells the execution's watchers (its page) that its ticket changed; the execution's own saves tell them in
   * the save script.
   */
  private async changed(tag: string): Promise<void> {
    if (tag.startsWith('exec-')) await this.redis.publish(this.keys.executionEvents, tag);
  }

  /**
   * Open (AUDITING) tickets, newest first; reads only the AUDITING status set (ids are numbers, so
   * newest first is a numeric sort) and skips what a crash left there (the reconcile's to repair).
   */
  async open(limit = 100): Promise<Ticket[]> {
    const ids = (await this.redis.smembers(this.keys.ticketsByStatus('AUDITING'))).sort(
      (a, b) => Number(b) - Number(a),
    );
    const found: Ticket[] = [];
    for (let start = 0; start < ids.length && found.length < limit; start += limit) {
      const chunk = ids.slice(start, start + limit);
      const tickets = await Promise.all(chunk.map((id) => this.get(id).catch(() => undefined)));
      found.push(...tickets.filter((t): t is Ticket => t?.status === 'AUDITING'));
    }
    return found.slice(0, limit);
  }

  async setCard(id: string, platform: string, ref: string): Promise<void> {
    await this.redis.hset(this.k((await this.tagOf(id))!, id).ticket, `card:${platform}`, ref);
  }

  async card(id: string, platform: string): Promise<string | undefined> {
    const tag = await this.tagOf(id);
    return tag ? ((await this.redis.hget(this.k(tag, id).ticket, `card:${platform}`)) ?? undefined) : undefined;
  }
}

const CLOSE_CODES = new Set<string>(Object.keys(STATUS_OF));
const CODE_OF_STATUS = new Map<string, CloseCode>([
  ['APPROVED', 'approved'],
  ['REJECT', 'rejected'],
  ['CANCEL', 'cancelled'],
]);

/**
 * A closed ticket's code. Tickets closed before codes were stored (or with the old EXECUTION_*
 * codes) get the one their status implies: their CANCEL reads as `cancelled`.
 */
function closeCodeOf(fields: Record<string, string>): { closeCode?: CloseCode } {
  if (fields.closeCode && CLOSE_CODES.has(fields.closeCode)) return { closeCode: fields.closeCode as CloseCode };
  const byStatus = CODE_OF_STATUS.get(fields.status ?? '');
  return byStatus ? { closeCode: byStatus } : {};
}

/** A runbook's ticket keeps no text that follows from its execution and task. */
function withDefaults(d: TicketDoc): TicketDoc {
  if (!d.executionId) return d;
  const description = msg('store:ticketDescription', { id: d.executionId, template: d.templateName, task: d.taskName });
  const reason = msg('store:ticketReason', { template: d.templateName, task: d.taskName });
  return {
    ...d,
    title: d.title || `${d.templateName} / ${d.taskName}`,
    // Made at read, never stored: in English for the API, and from the catalogue for every reader.
    description: d.description || t('en', description.key, description.values),
    ...(d.description ? {} : { descriptionText: description }),
    reasons: d.reasons.length ? d.reasons : [t('en', reason.key, reason.values)],
  };
}

/** A vote in the audit's index: a person votes once on a ticket. */
export const voteMember = (ticketId: string, voter: string) => `${ticketId}/${voter}`;

/** The ticket and voter of an index member (voter names may hold '/'; ticket ids are digits). */
export function parseVoteMember(member: string): { ticketId: string; voter: string } | undefined {
  const m = /^(\d{1,15})\/(.+)$/s.exec(member);
  return m ? { ticketId: m[1]!, voter: m[2]! } : undefined;
}

/** Votes cast in [sinceMs, untilMs), oldest first, from `offset`: the audit's Redis side. */
export async function votesBetween(
  redis: Redis,
  keys: Keys,
  sinceMs: number,
  untilMs: number,
  offset: number,
  count: number,
): Promise<{ ticketId: string; voter: string; at: number }[]> {
  const flat = await redis.zrangebyscore(
    keys.votesByDate,
    sinceMs,
    `(${untilMs}`,
    'WITHSCORES',
    'LIMIT',
    offset,
    count,
  );
  const out: { ticketId: string; voter: string; at: number }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const m = parseVoteMember(flat[i]!);
    if (m) out.push({ ...m, at: Number(flat[i + 1]) });
  }
  return out;
}
