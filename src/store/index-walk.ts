import type { Redis } from 'ioredis';

/** One entry of an index: an execution id and its score (a date, in ms). */
export interface Entry {
  id: string;
  score: number;
}

/** Scores from min to max, both included (either may be infinite). */
export interface Range {
  min: number;
  max: number;
}

export const EVERYTHING: Range = { min: -Infinity, max: Infinity };

/** Whether `a` comes before `b` in a walk: by score, then by id, as Redis orders a sorted set. */
export function comesBefore(a: Entry, b: Entry, desc: boolean): boolean {
  if (a.score !== b.score) return desc ? a.score > b.score : a.score < b.score;
  return desc ? a.id > b.id : a.id < b.id;
}

export interface Walk {
  peek(): Promise<Entry | undefined>;
  next(): Promise<Entry | undefined>;
}

/** A score as ZRANGEBYSCORE and ZCOUNT take it. */
export const bound = (n: number) => (n === Infinity ? '+inf' : n === -Infinity ? '-inf' : String(n));

/**
 * One sorted set in order, a chunk at a time, within a range and strictly after a cursor. Each read
 * starts at the last score read and skips the entries of that score already read, so equal scores
 * never loop and a cursor survives entries added meanwhile.
 */
export class KeyWalk implements Walk {
  private buffer: Entry[] = [];
  private at: number;
  private skip = 0;
  private done = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly desc: boolean,
    private readonly range: Range,
    private readonly after?: Entry,
    private readonly chunk = 200,
  ) {
    const start = desc ? range.max : range.min;
    // A cursor inside the range starts the walk at its score; one past the range ends it.
    if (after && (desc ? after.score < start : after.score > start)) this.at = after.score;
    else this.at = start;
  }

  async peek(): Promise<Entry | undefined> {
    while (!this.buffer.length && !this.done) await this.read();
    return this.buffer[0];
  }

  async next(): Promise<Entry | undefined> {
    const e = await this.peek();
    this.buffer.shift();
    return e;
  }

  private async read(): Promise<void> {
    const { min, max } = this.range;
    const args = ['WITHSCORES', 'LIMIT', this.skip, this.chunk] as const;
    const raw = this.desc
      ? await this.redis.zrevrangebyscore(this.key, bound(this.at), bound(min), ...args)
      : await this.redis.zrangebyscore(this.key, bound(this.at), bound(max), ...args);
    const entries: Entry[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) entries.push({ id: raw[i]!, score: Number(raw[i + 1]) });
    if (entries.length < this.chunk) this.done = true;
    const last = entries.at(-1);
    if (last) {
      // Read from `at` on, so a last score equal to `at` means the whole chunk had it.
      this.skip =
        last.score === this.at ? this.skip + entries.length : entries.filter((e) => e.score === last.score).length;
      this.at = last.score;
    }
    const after = this.after;
    this.buffer = after ? entries.filter((e) => comesBefore(after, e, this.desc)) : entries;
  }
}

/** Entries known in full (a small index read whole and sorted here), from after a cursor. */
export class ListWalk implements Walk {
  private readonly entries: Entry[];

  constructor(entries: Entry[], desc: boolean, after?: Entry) {
    const sorted = [...entries].sort((a, b) => (comesBefore(a, b, desc) ? -1 : comesBefore(b, a, desc) ? 1 : 0));
    this.entries = after ? sorted.filter((e) => comesBefore(after, e, desc)) : sorted;
  }

  async peek(): Promise<Entry | undefined> {
    return this.entries[0];
  }

  async next(): Promise<Entry | undefined> {
    return this.entries.shift();
  }
}

/** Several disjoint walks of the same order as one (the indexes of several template names). */
export class MergedWalk implements Walk {
  constructor(
    private readonly walks: Walk[],
    private readonly desc: boolean,
  ) {}

  async peek(): Promise<Entry | undefined> {
    return (await this.head())?.entry;
  }

  async next(): Promise<Entry | undefined> {
    const head = await this.head();
    return head ? this.walks[head.i]!.next() : undefined;
  }

  private async head(): Promise<{ entry: Entry; i: number } | undefined> {
    const heads = await Promise.all(this.walks.map((w) => w.peek()));
    let best: { entry: Entry; i: number } | undefined;
    heads.forEach((entry, i) => {
      if (entry && (!best || comesBefore(entry, best.entry, this.desc))) best = { entry, i };
    });
    return best;
  }
}

/** The next `n` entries of a walk, fewer at its end. */
export async function take(walk: Walk, n: number): Promise<Entry[]> {
  const out: Entry[] = [];
  while (out.length < n) {
    const e = await walk.next();
    if (!e) break;
    out.push(e);
  }
  return out;
}
