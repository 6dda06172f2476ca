import type { Redis } from 'ioredis';
import { TicketNotFoundError } from '../errors.js';
import type { Keys } from './keys.js';
import { runScript } from './scripts.js';

export type TicketStatus = 'AUDITING' | 'APPROVED' | 'REJECT' | 'CANCEL';
export type VoteDecision = 'AGREE' | 'REJECT';

/** What a ticket was opened for; fixed once opened. */
export interface TicketDoc {
  id: string;
  executionId: string;
  taskName: string;
  templateName: string;
  requester?: string;
  approvers: string[];
  required: number;
  createDate: string;
}

export interface Vote { voter: string; decision: VoteDecision; comment?: string; date: string }

export interface Ticket extends TicketDoc {
  status: TicketStatus;
  approvals: number;
  votes: Vote[];
  decidedAt?: string;
}

export type VoteOutcome = 'missing' | 'closed' | 'not-approver' | 'duplicate' | 'recorded' | 'decided';

/** Approval tickets: numeric ids, kept beside their execution (same hash tag). */
export class TicketStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  private ticketKeys(execId: string, id: string): [string, string, string] {
    return [this.keys.ticket(execId, id), this.keys.ticketApprovers(execId, id), this.keys.ticketVotes(execId, id)];
  }

  /** Opens the ticket of (execution, task) once; a second call returns the first ticket's id. */
  async open(doc: Omit<TicketDoc, 'id'>): Promise<string> {
    const existing = await this.redis.hget(this.keys.ticketsOfExecution(doc.executionId), doc.taskName);
    if (existing) return existing;
    const id = String(await this.redis.incr(this.keys.ticketSeq));
    const [ticket, approvers, votes] = this.ticketKeys(doc.executionId, id);
    const opened = await runScript<string>(this.redis, 'ticket-open',
      [this.keys.ticketsOfExecution(doc.executionId), ticket, approvers, votes],
      [doc.taskName, id, JSON.stringify({ ...doc, id }), doc.required, ...doc.approvers]);
    await this.redis.hset(this.keys.ticketIndex, opened, doc.executionId);
    return opened;
  }

  async executionOf(id: string): Promise<string | undefined> {
    if (!/^\d{1,15}$/.test(id)) return undefined;
    return (await this.redis.hget(this.keys.ticketIndex, id)) ?? undefined;
  }

  async get(id: string): Promise<Ticket> {
    const execId = await this.executionOf(id);
    if (!execId) throw new TicketNotFoundError(id);
    const [ticket, , votesKey] = this.ticketKeys(execId, id);
    const [fields, votes] = await Promise.all([this.redis.hgetall(ticket), this.redis.hgetall(votesKey)]);
    if (!fields.doc) throw new TicketNotFoundError(id);
    return {
      ...(JSON.parse(fields.doc) as TicketDoc),
      status: fields.status as TicketStatus,
      approvals: Number(fields.approvals),
      decidedAt: fields.decidedAt,
      votes: Object.entries(votes).map(([voter, v]) => ({ voter, ...(JSON.parse(v) as Omit<Vote, 'voter'>) }))
        .sort((a, b) => a.date.localeCompare(b.date)),
    };
  }

  async vote(id: string, voter: string, decision: VoteDecision, comment: string | undefined, now: string)
    : Promise<{ outcome: VoteOutcome; status: TicketStatus; approvals: number; executionId?: string }> {
    const execId = await this.executionOf(id);
    if (!execId) return { outcome: 'missing', status: 'CANCEL', approvals: 0 };
    const [outcome, status, approvals] = await runScript<[VoteOutcome, TicketStatus, number]>(this.redis, 'vote',
      this.ticketKeys(execId, id), [voter, decision, JSON.stringify({ decision, comment, date: now }), now]);
    return { outcome, status, approvals: Number(approvals), executionId: execId };
  }

  /** Where a ticket's card was posted on each platform, to update it later. */
  async setCard(id: string, execId: string, platform: string, ref: string): Promise<void> {
    await this.redis.hset(this.keys.ticket(execId, id), `card:${platform}`, ref);
  }

  async card(id: string, execId: string, platform: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.ticket(execId, id), `card:${platform}`)) ?? undefined;
  }
}
