import type { ChainableCommander, Redis } from 'ioredis';
import type { TicketStatus } from '../approval/ticket.js';
import { run } from './execution-index.js';
import type { Keys } from './keys.js';
import { batch } from './batch.js';

export const TICKET_STATUSES: readonly TicketStatus[] = ['AUDITING', 'APPROVED', 'REJECT', 'CANCEL'];

/**
 * A set of ticket ids per status, so that counts are SCARDs. Kept where a ticket opens and closes
 * (approval-tickets.ts), repaired by the reconcile (index-reconcile.ts).
 */
export class TicketStatusIndex {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** In its status's set and no other: the same call moves it and repairs it. */
  placeIn(p: ChainableCommander, id: string, status: string): void {
    for (const s of TICKET_STATUSES) if (s !== status) p.srem(this.keys.ticketsByStatus(s), id);
    p.sadd(this.keys.ticketsByStatus(status), id);
  }

  /**
   * Places a ticket by the status it was just given, then reads back the stored one (at `where` its
   * fields are: ticket-place.ts): a close that landed meanwhile is placed by whoever reads it last.
   */
  async place(id: string, status: string, where: { hash: string; prefix: string }): Promise<void> {
    for (let i = 0, s: string | null = status; s && i < 5; i++) {
      const p = batch(this.redis, { ordered: true });
      this.placeIn(p, id, s);
      const stored = (await run(p.hget(where.hash, `${where.prefix}status`))).at(-1) as string | null;
      if (stored === s) return;
      if (!stored) await this.remove(id);
      s = stored;
    }
  }

  /** A ticket deleted (retention): out of every set. */
  async remove(id: string): Promise<void> {
    const p = batch(this.redis);
    for (const s of TICKET_STATUSES) p.srem(this.keys.ticketsByStatus(s), id);
    await run(p);
  }

  async counts(): Promise<Map<TicketStatus, number>> {
    const p = batch(this.redis);
    for (const s of TICKET_STATUSES) p.scard(this.keys.ticketsByStatus(s));
    const counts = (await run(p)) as number[];
    return new Map(TICKET_STATUSES.map((s, i) => [s, counts[i]!]));
  }
}
