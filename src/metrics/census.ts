import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys.js';

/** An index entry: an id and the hash whose `status` field holds its status. */
type Entry = [id: string, key: string];

const PAGE = 1000;

/**
 * Counts the `status` field of everything an index lists. A status that can no longer change is
 * remembered by id, so a scrape reads only what is still open plus the index itself.
 */
export class StatusCensus {
  private final = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly isFinal: (status: string) => boolean,
  ) {}

  async count(pages: AsyncIterable<Entry[]>): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    const final = new Map<string, string>();
    for await (const page of pages) {
      // An index changed while paged may list an id twice.
      const fresh = page.filter(([id]) => !seen.has(id));
      for (const [id] of fresh) seen.add(id);
      const unknown = fresh.filter(([id]) => !this.final.has(id));
      const read = await Promise.all(unknown.map(([, key]) => this.redis.hget(key, 'status')));
      const statuses = new Map(unknown.map(([id], i) => [id, read[i]]));
      for (const [id] of fresh) {
        const status = this.final.get(id) ?? statuses.get(id);
        if (!status) continue; // listed but gone
        counts.set(status, (counts.get(status) ?? 0) + 1);
        if (this.isFinal(status)) final.set(id, status);
      }
    }
    // Only what the index still lists is remembered.
    this.final = final;
    return counts;
  }
}

/** The newest `cap` executions, newest first. */
export async function* executionPages(redis: Redis, keys: Keys, cap: number): AsyncIterable<Entry[]> {
  for (let start = 0; start < cap; start += PAGE) {
    const ids = await redis.zrevrange(keys.executionIndex, start, Math.min(start + PAGE, cap) - 1);
    if (ids.length) yield ids.map((id) => [id, keys.execution(id)]);
    if (ids.length < PAGE) return;
  }
}

/** Up to about `cap` tickets of the ticket index (id -> its owner's tag), in no order. */
export async function* ticketPages(redis: Redis, keys: Keys, cap: number): AsyncIterable<Entry[]> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, flat] = await redis.hscan(keys.ticketIndex, cursor, 'COUNT', PAGE);
    cursor = next;
    const page: Entry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) page.push([flat[i]!, keys.ticket(flat[i + 1]!, flat[i]!)]);
    n += page.length;
    yield page;
  } while (cursor !== '0' && n < cap);
}
