import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { EXECUTION_STATUSES, isExecutionStatus, isTerminal } from '../engine/status.js';
import type { Execution } from '../engine/types.js';
import { INDEX_VERSION, isEndless as isEndlessRun, run, type ExecutionIndex } from './execution-index.js';
import { EVERYTHING, KeyWalk, take } from './index-walk.js';
import { type Keys, TICKETS_PER_BUCKET } from './keys.js';
import { TICKET_STATUSES, type TicketStatusIndex } from './ticket-index.js';
import { batch } from './batch.js';
import { placeOf } from './ticket-place.js';

/** A ticket as an index holds it: id, tag, and whether it is in the index an older opsgate kept. */
type Indexed = [id: string, tag: string, own: boolean];

export interface ReconcileReport {
  checked: number;
  repaired: number;
  /** A full pass (every execution, then every ticket) ended during this run. */
  passEnded: boolean;
  /** Another process was reconciling: this run did nothing. */
  busy?: boolean;
}

const LOCK_MS = 60_000;

/**
 * Walks every execution (the `all` index, by its cursor) and every ticket (the ticket index, by
 * HSCAN) in bounded batches and corrects their index membership from what is stored: the status
 * and ended indexes after a crash between a save and its index update, every index of an
 * execution an older opsgate created (the migration), entries whose execution or ticket is gone.
 * The first pass that ends marks the indexes complete (INDEX_VERSION). Documents are read only
 * for what looks wrong.
 */
export class IndexReconciler {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly index: ExecutionIndex,
    private readonly tickets: TicketStatusIndex,
    private readonly find: (id: string) => Promise<Execution | undefined>,
  ) {}

  /**
   * Batches until `budgetMs` is spent; while the indexes are not complete (an upgrade), until the
   * pass ends. One process at a time (a lock): scheduled runs that overlap skip.
   */
  async run(budgetMs = 1000, batch = 500): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, repaired: 0, passEnded: false };
    const token = randomBytes(8).toString('hex');
    if ((await this.redis.set(this.keys.indexLock, token, 'PX', LOCK_MS, 'NX')) !== 'OK')
      return { ...report, busy: true };
    try {
      const deadline = Date.now() + budgetMs;
      const migrating = !(await this.index.isComplete());
      do {
        const r = await this.step(batch);
        report.checked += r.checked;
        report.repaired += r.repaired;
        report.passEnded ||= r.passEnded;
        await this.redis.pexpire(this.keys.indexLock, LOCK_MS);
      } while (!report.passEnded && (migrating || Date.now() < deadline));
      return report;
    } finally {
      // Not atomic: at worst another run's lock goes too, and two runs at once only repeat work.
      if ((await this.redis.get(this.keys.indexLock)) === token) await this.redis.del(this.keys.indexLock);
    }
  }

  /** One batch of executions or, once they are all done, of tickets. */
  async step(size = 500): Promise<ReconcileReport> {
    const state = await this.redis.hgetall(this.keys.indexState);
    if (state.phase !== 'tickets' && state.phase !== 'ticket-buckets') {
      const m = /^(\S+) (\S+)$/.exec(state.cursor ?? '');
      const after = m ? { score: Number(m[1]), id: m[2]! } : undefined;
      const walk = new KeyWalk(this.redis, this.keys.executionIndex, false, EVERYTHING, after, size);
      const entries = await take(walk, size);
      // Until a pass ends on this INDEX_VERSION, every execution is indexed anew (an index may be new).
      const repaired = await this.executions(
        entries.map((e) => e.id),
        !(await this.index.isComplete()),
      );
      const last = entries.at(-1);
      if (entries.length < size) await this.redis.hset(this.keys.indexState, 'phase', 'tickets', 'cursor', '');
      else await this.redis.hset(this.keys.indexState, 'cursor', `${last!.score} ${last!.id}`);
      return { checked: entries.length, repaired, passEnded: false };
    }
    // The index an older opsgate kept (its tickets' fields in hashes of their own), then the buckets.
    if (state.phase === 'tickets') {
      const [next, flat] = await this.redis.hscan(this.keys.ticketIndex, state.tickets || '0', 'COUNT', size);
      const found: Indexed[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) found.push([flat[i]!, flat[i + 1]!, true]);
      const repaired = await this.ticketsOf(found);
      if (next === '0') await this.redis.hset(this.keys.indexState, 'phase', 'ticket-buckets', 'tickets', '0');
      else await this.redis.hset(this.keys.indexState, 'tickets', next);
      return { checked: found.length, repaired, passEnded: false };
    }
    const first = Number(state.tickets || '0');
    const last = Math.floor(Number((await this.redis.get(this.keys.ticketSeq)) ?? '0') / TICKETS_PER_BUCKET);
    const count = Math.max(0, Math.min(last - first + 1, Math.ceil(size / TICKETS_PER_BUCKET)));
    const buckets = Array.from({ length: count }, (_, i) => first + i);
    const p = batch(this.redis);
    for (const b of buckets) p.hgetall(this.keys.ticketIndexBucketAt(b));
    const found = ((await run(p)) as Record<string, string>[]).flatMap((bucket) =>
      Object.entries(bucket).map(([id, tag]): Indexed => [id, tag, false]),
    );
    const repaired = await this.ticketsOf(found);
    const next = first + buckets.length;
    if (next <= last) {
      await this.redis.hset(this.keys.indexState, 'tickets', String(next));
      return { checked: found.length, repaired, passEnded: false };
    }
    await this.redis.hset(this.keys.indexState, 'phase', 'executions', 'tickets', '0', 'version', INDEX_VERSION);
    // Indexes an older opsgate kept: the runs not ended and the open tickets, now the status indexes.
    for (const key of [this.keys.executionsUnended, this.keys.openTickets]) await this.redis.unlink(key);
    return { checked: found.length, repaired, passEnded: true };
  }

  private async executions(ids: string[], anew: boolean): Promise<number> {
    if (!ids.length) return 0;
    const k = this.keys;
    const p = batch(this.redis);
    for (const id of ids) p.hget(k.execution(id), 'status');
    for (const s of EXECUTION_STATUSES) p.zmscore(k.executionsByStatus(s), ...ids);
    for (const key of [k.executionsEnded, k.executionsEndless]) p.zmscore(key, ...ids);
    const results = await run(p);
    const stored = results.slice(0, ids.length) as (string | null)[];
    const [inStatus, [ended, endless]] = [
      results.slice(ids.length, ids.length + EXECUTION_STATUSES.length) as (string | null)[][],
      results.slice(ids.length + EXECUTION_STATUSES.length) as (string | null)[][],
    ];
    const gone: string[] = [];
    const suspects: { id: string; indexed: boolean; right: (doc: Execution) => boolean }[] = [];
    for (const [i, id] of ids.entries()) {
      const status = stored[i];
      // Its keys are gone (deleted before its entries): out of every index an id alone names.
      if (!status) {
        gone.push(id);
        continue;
      }
      const statuses = EXECUTION_STATUSES.filter((_, s) => inStatus[s]![i] !== null);
      const isEnded = ended![i] !== null;
      const isEndless = endless![i] !== null;
      // In no status index: never indexed (an older opsgate created it), so in none of the others either.
      const indexed = statuses.length > 0 && !anew;
      // A terminal run is in one of `ended` and `endless`; another is in `ended` at most (when taken up
      // again after it ended). Whether it has an end is in the document only: read when in doubt.
      const terminal = isExecutionStatus(status) && isTerminal(status);
      const plausible =
        statuses.length === 1 && statuses[0] === status && (terminal ? isEnded !== isEndless : !isEndless);
      if (indexed && plausible && (terminal || !isEnded)) continue;
      const right = (doc: Execution) =>
        plausible && statuses[0] === doc.status && isEnded === !!doc.endDate && isEndless === isEndlessRun(doc);
      suspects.push({ id, indexed, right });
    }
    if (gone.length) {
      const p = batch(this.redis);
      for (const key of [...this.index.anyExecutionKeys(), k.executionIndex]) p.zrem(key, ...gone);
      await run(p);
    }
    // The batch's documents at once, and their repairs side by side (each one idempotent).
    const docs = await Promise.all(suspects.map((s) => this.find(s.id)));
    const fixed = await Promise.all(
      suspects.map(async ({ indexed, right }, i) => {
        const doc = docs[i];
        if (!doc || (indexed && right(doc))) return 0;
        if (!indexed) await this.index.added(doc);
        await this.index.saved(doc, this.find);
        return 1;
      }),
    );
    return gone.length + fixed.reduce<number>((n, f) => n + f, 0);
  }

  private async ticketsOf(pairs: Indexed[]): Promise<number> {
    if (!pairs.length) return 0;
    const ids = pairs.map(([id]) => id);
    const places = pairs.map(([id, tag, own]) => placeOf(this.keys, tag, id, own));
    const p = batch(this.redis);
    for (const place of places) p.hget(place.hash, `${place.prefix}status`);
    for (const s of TICKET_STATUSES) p.smismember(this.keys.ticketsByStatus(s), ...ids);
    const results = await run(p);
    const stored = results.slice(0, pairs.length) as (string | null)[];
    const member = results.slice(pairs.length) as number[][];
    let repaired = 0;
    for (const [i, [id]] of pairs.entries()) {
      const sets = TICKET_STATUSES.filter((_, s) => member[s]![i] === 1);
      const status = stored[i];
      if (status ? sets.length === 1 && sets[0] === status : !sets.length) continue;
      if (status) await this.tickets.place(id, status, places[i]!);
      else await this.tickets.remove(id);
      repaired++;
    }
    return repaired;
  }
}
