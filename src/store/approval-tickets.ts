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
import { fieldsAt, placeOf, type TicketPlace } from './ticket-place.js';

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
 * Approval tickets: numeric ids, kept beside their execution (same hash tag, their fields in its
 * hash: ticket-place.ts) or, for approvals of outside artifacts, under their own tag. Every change
 * goes through a script of store/lua/.
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

  /** Where a ticket lives never changes: kept in memory once read. */
  private readonly places = new Map<string, TicketPlace>();
  /**
   * Nor does its document once opened: the last ones read are kept parsed, with their defaults made
   * (frozen: every reader shares them), so a vote's reads of its ticket cost no GET, inflate, parse or
   * rendering of its default texts.
   */
  private readonly docs = new Map<string, Readonly<TicketDoc>>();

  private k(place: TicketPlace, id: string) {
    return {
      votes: this.keys.ticketVotes(place.tag, id),
      doc: this.keys.ticketDoc(place.tag, id),
      levels: this.keys.ticketLevels(place.tag, id),
    };
  }

  /** Where ticket `id` lives: its bucket of the index, else the index an older opsgate kept. */
  private async placeOf(id: string): Promise<TicketPlace | undefined> {
    if (!/^\d{1,15}$/.test(id)) return undefined;
    const known = this.places.get(id);
    if (known) return known;
    let tag = await this.redis.hget(this.keys.ticketIndexBucket(id), id);
    const own = !tag;
    tag ??= await this.redis.hget(this.keys.ticketIndex, id);
    if (!tag) return undefined;
    const place = placeOf(this.keys, tag, id, own);
    if (this.places.size > 10_000) this.places.clear();
    this.places.set(id, place);
    return place;
  }

  /** Creates the ticket of `doc.key` once; a second call returns the first ticket's id. */
  async create(doc: Omit<TicketDoc, 'id'>): Promise<string> {
    // An execution's task -> ticket map lives in the execution's own hash (a field, not a key of
    // its own, and in the same Cluster slot); an artifact's ticket is its own owner.
    if (doc.executionId) {
      const existing = await this.redis.hget(this.keys.execution(doc.executionId), `ticket:${doc.key}`);
      // Written again: a crash between the ticket and its index must not lose the index. A hash of its
      // own says an older opsgate opened it, and indexed it where that one did.
      if (existing) {
        const own = (await this.redis.exists(this.keys.ticket(doc.executionId, existing))) === 1;
        const index = own ? this.keys.ticketIndex : this.keys.ticketIndexBucket(existing);
        await this.redis.hset(index, existing, doc.executionId);
        return existing;
      }
    }
    const id = String(await this.redis.incr(this.keys.ticketSeq));
    const tag = doc.executionId ?? `ticket-${id}`;
    const place = placeOf(this.keys, tag, id, false);
    const k = this.k(place, id);
    const byKey = doc.executionId ? this.keys.execution(doc.executionId) : place.hash;
    const created = await runScript<string>(
      this.redis,
      'ticket-create',
      [byKey, place.hash, k.votes, k.doc],
      // Written once and read at every card and vote: kept deflated (doc-codec.ts), without what its
      // keys say (its id, its execution).
      [doc.key, id, packDoc(JSON.stringify({ ...doc, executionId: undefined }), true), place.prefix],
    );
    // Another create of the same key may have won the race: its ticket is the one.
    await this.redis.hset(this.keys.ticketIndexBucket(created), created, tag);
    await this.statuses.place(created, 'AUDITING', placeOf(this.keys, tag, created, false));
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
    const tag = (await this.placeOf(id))?.tag;
    return tag?.startsWith('exec-') ? tag : undefined;
  }

  async get(id: string): Promise<Ticket> {
    const place = await this.placeOf(id);
    if (!place) throw new TicketNotFoundError(id);
    const { tag } = place;
    const k = this.k(place, id);
    const known = this.docs.get(id);
    const [all, votes, doc, legacyLevels] = await Promise.all([
      this.redis.hgetall(place.hash),
      this.redis.hgetall(k.votes),
      known ? null : this.redis.getBuffer(k.doc),
      // Level records an older opsgate kept under a key of their own (its tickets have a hash of their own).
      place.prefix ? null : this.redis.get(k.levels),
    ]);
    const fields = fieldsAt(place, all);
    // Gone (retention removed it): its fields went with it.
    if (!fields.status || (!known && !doc)) {
      this.docs.delete(id);
      throw new TicketNotFoundError(id);
    }
    const ticket = known ?? this.keep(id, tag, doc!);
    return {
      ...ticket,
      status: fields.status as TicketStatus,
      level: Number(fields.level),
      // No field: none (level-activate drops it).
      approvals: Number(fields.approvals ?? 0),
      required: Number(fields.required),
      reason: fields.reason,
      ...(fields.reasonText ? { reasonText: JSON.parse(fields.reasonText) as Msg } : {}),
      decidedAt: fields.decidedAt,
      ...closeCodeOf(fields),
      votes: votesOf(votes),
      levels: levelsOf(fields, ticket.spec, legacyLevels),
      approvers: (JSON.parse(fields.approvers ?? '[]') as string[]).sort(),
    };
  }

  /**
   * What a run waiting on the ticket reads when resumed: its status, why it closed, and its votes; not
   * the rest `get` assembles (levels, approvers, the document). A resumed ACS::Approve reads it on the way
   * to its run's next task.
   */
  async decision(id: string): Promise<Pick<Ticket, 'status' | 'reason' | 'reasonText' | 'closeCode' | 'votes'>> {
    const place = await this.placeOf(id);
    if (!place) throw new TicketNotFoundError(id);
    const names = ['status', 'reason', 'reasonText', 'closeCode'] as const;
    const [values, votes] = await Promise.all([
      this.redis.hmget(place.hash, ...names.map((n) => place.prefix + n)),
      this.redis.hgetall(this.k(place, id).votes),
    ]);
    const [status, reason, reasonText, closeCode] = values;
    if (!status) throw new TicketNotFoundError(id);
    return {
      status: status as TicketStatus,
      reason: reason ?? undefined,
      ...(reasonText ? { reasonText: JSON.parse(reasonText) as Msg } : {}),
      ...closeCodeOf({ status, ...(closeCode ? { closeCode } : {}) }),
      votes: votesOf(votes),
    };
  }

  /** A document read: parsed, its defaults made, frozen and kept (the last thousand). */
  private keep(id: string, tag: string, stored: Buffer): Readonly<TicketDoc> {
    const doc = deepFreeze(
      withDefaults({
        ...(JSON.parse(unpackDoc(stored)) as TicketDoc),
        id,
        ...(tag.startsWith('exec-') ? { executionId: tag } : {}),
      }),
    );
    if (this.docs.size >= 1000) this.docs.delete(this.docs.keys().next().value!);
    this.docs.set(id, doc);
    return doc;
  }

  /** Activates level `to` if the ticket is still advancing from `from`; false when another caller did. */
  async activate(id: string, from: number, record: LevelRecord): Promise<boolean> {
    const place = (await this.placeOf(id))!;
    const done =
      (await runScript<number>(
        this.redis,
        'level-activate',
        [place.hash],
        [
          place.prefix,
          String(from),
          String(record.index),
          record.required,
          JSON.stringify(record.approvers),
          ...levelFields(record).set,
        ],
      )) === 1;
    if (done) await this.changed(place.tag);
    return done;
  }

  /** Records a level that was not activated (skipped by its criteria), or a level's end. */
  async putLevel(id: string, record: LevelRecord): Promise<void> {
    const place = (await this.placeOf(id))!;
    const { set, unset } = levelFields(record);
    await runScript(this.redis, 'level-put', [place.hash], [place.prefix, unset, ...set]);
  }

  /** While advancing past skipped levels, the ticket's level moves on without activating them. */
  async skipTo(id: string, index: number): Promise<void> {
    const place = (await this.placeOf(id))!;
    await this.redis.hset(place.hash, `${place.prefix}level`, index);
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
    const place = await this.placeOf(id);
    if (!place) return { outcome: 'missing', status: 'CANCEL', approvals: 0, level: -1, required: 0 };
    const { tag } = place;
    const [outcome, status, approvals, level, required] = await runScript<
      [BallotOutcome, TicketStatus, number, number, number]
    >(
      this.redis,
      'ballot',
      [place.hash, this.k(place, id).votes],
      [
        place.prefix,
        voter,
        decision,
        comment ?? '',
        now,
        tag.startsWith('exec-') ? this.keys.executionEvents : '',
        tag,
        channel,
      ],
    );
    // The audit's index of votes by date and the status sets (keys of their own, other slots in a
    // Cluster: not in the script), sent together.
    const indexed: Promise<unknown>[] = [];
    if (outcome === 'recorded' || outcome === 'level-done' || outcome === 'decided')
      indexed.push(this.redis.zadd(this.keys.votesByDate, Date.parse(now), voteMember(id, voter)));
    if (outcome === 'decided') indexed.push(this.statuses.place(id, status, place));
    await Promise.all(indexed);
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
    const place = (await this.placeOf(id))!;
    const text = typeof reason === 'string' ? '' : JSON.stringify(reason);
    const args = [place.prefix, STATUS_OF[code], render(reason, 'en'), now, mustBeAdvancing ? '1' : '0', code, text];
    const closed = (await runScript<number>(this.redis, 'ticket-close', [place.hash], args)) === 1;
    if (closed) await this.statuses.place(id, STATUS_OF[code], place);
    return closed;
  }

  /** TRANSFER (one leaves, one joins) or escalation (only joining) on the active level. */
  async changeApprovers(
    id: string,
    level: number,
    leaving: string,
    joining: string[],
  ): Promise<'ok' | 'closed' | 'moved' | 'not-pending' | 'already'> {
    const place = (await this.placeOf(id))!;
    const r = await runScript<'ok' | 'closed' | 'moved' | 'not-pending' | 'already'>(
      this.redis,
      'ticket-approvers',
      [place.hash, this.k(place, id).votes],
      [place.prefix, String(level), leaving, ...joining],
    );
    if (r === 'ok') await this.changed(place.tag);
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
    const place = (await this.placeOf(id))!;
    await this.redis.hset(place.hash, `${place.prefix}card:${platform}`, ref);
  }

  async card(id: string, platform: string): Promise<string | undefined> {
    const place = await this.placeOf(id);
    return place ? ((await this.redis.hget(place.hash, `${place.prefix}card:${platform}`)) ?? undefined) : undefined;
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
/** A ticket's votes hash as its votes, the oldest first. */
const votesOf = (votes: Record<string, string>): Vote[] =>
  Object.entries(votes)
    .map(([voter, v]) => ({ voter, ...(JSON.parse(v) as Omit<Vote, 'voter'>) }))
    .sort((a, b) => a.date.localeCompare(b.date));

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

/** Frozen all the way down: a shared document no reader may change. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
