import type { Redis } from 'ioredis';
import { EXECUTION_STATUSES, isTerminal } from '../engine/status.js';
import type { Execution } from '../engine/types.js';
import { INDEXED_MODES, run, type ExecutionIndex } from './execution-index.js';
import {
  bound,
  EVERYTHING,
  KeyWalk,
  ListWalk,
  MergedWalk,
  take,
  type Entry,
  type Range,
  type Walk,
} from './index-walk.js';
import type { Keys } from './keys.js';
import { batch } from './batch.js';

/** What the indexes can narrow a list to; `keep` still decides on each document. */
export interface ExecutionFilter {
  status?: string;
  /** Any of these template names (exact); none matches nothing. */
  templates?: string[];
  owner?: string;
  parentId?: string;
  mode?: string;
  rootOnly?: boolean;
  tags?: Record<string, string>;
  /** createDate and endDate, in ms, both ends included. */
  created?: Range;
  ended?: Range;
}

/** By createDate; by endDate (those not ended after, or first when ascending); by status, then createDate. */
export type ListSort = 'created' | 'ended' | 'status';

/** Where a page stopped: the phase of the sort (a status, ended or not) and the entry's score and id. */
export interface ListCursor extends Entry {
  phase: number;
}

export interface ListRequest {
  filter: ExecutionFilter;
  /** The whole condition, checked on every document read: an index only narrows what is read. */
  keep(e: Execution): boolean;
  sort?: ListSort;
  desc?: boolean;
  limit: number;
  after?: ListCursor;
  /** Index entries looked at per call, at most: a filter that matches little stops there with `next`. */
  scanLimit?: number;
}

export interface ListPage {
  items: Execution[];
  next?: ListCursor;
}

/** In any of `keys` with a score (createDate or endDate, by `by`) in `range`; or, `exclude`, in none of them. */
interface Term {
  keys: string[];
  by: 'created' | 'ended';
  range: Range;
  exclude?: boolean;
}

/** A stretch of the sort read from one index: each status in turn, or ended then not ended. */
interface Phase {
  n: number;
  by: 'created' | 'ended';
  terms: Term[];
}

/** Index entries read at once, at least and at most: sized by how many the page needs and how many pass. */
const MIN_CHUNK = 20;
const MAX_CHUNK = 1000;
/** A TemplateName that matches more names than this is checked on the documents only. */
const MAX_UNION = 20;
/** Sorting by endDate, an index of up to this many (by createDate) may be read whole and sorted here. */
const SMALL = 5000;
/** Statuses sort as text (as OOS sorts them): Cancelled, Failed, Queued, Running, Success, Waiting. */
export const STATUS_ORDER = [...EXECUTION_STATUSES].sort();

const term = (keys: string[], range: Range = EVERYTHING, by: Term['by'] = 'created'): Term => ({ keys, by, range });
const none = (keys: string[]): Term => ({ keys, by: 'created', range: EVERYTHING, exclude: true });
const within = (n: number, r: Range) => n >= r.min && n <= r.max;

/**
 * A page of executions in O(log N + page): the most selective index for the filter, ranged by
 * score for the dates, in the sort's order from the cursor on. Every other index condition is
 * checked on scores (ZMSCORE) before a document is read, and `keep` on the documents read. One
 * more match than the page is looked for, so `next` is given only when there is more (or when the
 * scan limit stopped the call).
 */
export async function listExecutions(
  redis: Redis,
  keys: Keys,
  index: ExecutionIndex,
  find: (id: string) => Promise<Execution | undefined>,
  req: ListRequest,
): Promise<ListPage> {
  const complete = await index.isComplete();
  const desc = req.desc ?? true;
  if (complete && req.filter.templates?.length === 0) return { items: [] };
  const terms = termsOf(keys, req.filter, complete);
  const phases = phasesOf(keys, req.sort ?? 'created', desc, req.filter);
  const first = req.after ? phases.findIndex((p) => p.n === req.after!.phase) : 0;
  if (first < 0) return { items: [] };
  const scanLimit = req.scanLimit ?? 5000;
  const items: Execution[] = [];
  const at: ListCursor[] = [];
  let scanned = 0;
  let last: ListCursor | undefined;
  for (const phase of phases.slice(first)) {
    const after = req.after?.phase === phase.n ? req.after : undefined;
    const opened = await open(redis, keys, phase, terms, desc, req.limit + 1 - items.length, after);
    const { walk, checks } = opened;
    for (let chunk = opened.chunk; ; ) {
      if (scanned >= scanLimit) return { items, next: last };
      const batch = await take(walk, Math.min(chunk, scanLimit - scanned));
      if (!batch.length) break;
      const pass = await passes(redis, checks, batch);
      const passed = pass.filter(Boolean).length;
      chunk = passed ? sized(req.limit + 1 - items.length, passed / batch.length) : Math.min(MAX_CHUNK, chunk * 4);
      // Documents are read only as far as the page needs: a page of 50 reads about 51.
      for (let i = 0; i < batch.length; ) {
        const wanted: number[] = [];
        let j = i;
        for (; j < batch.length && wanted.length < req.limit + 1 - items.length; j++) if (pass[j]) wanted.push(j);
        const docs = new Map(await Promise.all(wanted.map(async (k) => [k, await find(batch[k]!.id)] as const)));
        for (; i < j; i++) {
          scanned++;
          last = { ...batch[i]!, phase: phase.n };
          const doc = docs.get(i);
          if (!doc || !req.keep(doc)) continue;
          items.push(doc);
          at.push(last);
          if (items.length > req.limit) return { items: items.slice(0, req.limit), next: at[req.limit - 1] };
        }
      }
    }
  }
  return { items };
}

/** The index conditions of a filter. Before the indexes are complete, only `all` is trusted. */
function termsOf(keys: Keys, f: ExecutionFilter, complete: boolean): Term[] {
  const terms: Term[] = [];
  if (f.created) terms.push(term([keys.executionIndex], f.created));
  if (!complete) return terms;
  if (f.status !== undefined) terms.push(term([keys.executionsByStatus(f.status)]));
  if (f.templates && f.templates.length <= MAX_UNION) terms.push(term(f.templates.map(keys.executionsByTemplate)));
  if (f.owner !== undefined) terms.push(term([keys.executionsByOwner(f.owner)]));
  if (f.parentId !== undefined) terms.push(term([keys.executionsByParent(f.parentId)]));
  // Automatic runs and root runs are those in no mode index, and not in `child`.
  if (f.mode !== undefined)
    terms.push(
      INDEXED_MODES.includes(f.mode)
        ? term([keys.executionsByMode(f.mode)])
        : none(INDEXED_MODES.map(keys.executionsByMode)),
    );
  if (f.rootOnly) terms.push(none([keys.executionsChild]));
  for (const [k, v] of Object.entries(f.tags ?? {})) terms.push(term([keys.executionsByTag(k, v)]));
  if (f.ended) terms.push(term([keys.executionsEnded], f.ended, 'ended'));
  return terms;
}

function phasesOf(keys: Keys, sort: ListSort, desc: boolean, f: ExecutionFilter): Phase[] {
  if (sort === 'status') {
    const phases = STATUS_ORDER.map((s, n) => ({
      n,
      by: 'created' as const,
      terms: [term([keys.executionsByStatus(s)])],
    }))
      // A Status filter leaves its own status only (an unknown one: nothing).
      .filter((_, n) => f.status === undefined || STATUS_ORDER[n] === f.status);
    return desc ? phases.reverse() : phases;
  }
  if (sort === 'ended') {
    const ended: Phase = { n: 0, by: 'ended', terms: [] };
    // An EndDate filter leaves no room for executions that did not end.
    if (f.ended) return [ended];
    // Without an end: a status that is not terminal, or `endless`; and not in `ended` (a run that ended,
    // then was taken up again, keeps its end).
    const statuses = EXECUTION_STATUSES.filter((s) => !isTerminal(s)).map((s) => keys.executionsByStatus(s));
    const open: Phase = {
      n: 1,
      by: 'created',
      terms: [term([...statuses, keys.executionsEndless]), none([keys.executionsEnded])],
    };
    return desc ? [ended, open] : [open, ended];
  }
  return [{ n: 0, by: 'created', terms: [] }];
}

/** The phase's walk from its most selective index, the conditions left to check on scores, and the read size. */
async function open(
  redis: Redis,
  keys: Keys,
  phase: Phase,
  terms: Term[],
  desc: boolean,
  want: number,
  after?: Entry,
): Promise<{ walk: Walk; checks: Term[]; chunk: number }> {
  // A Status filter sorted by status is its phase's own index: kept once.
  const same = (a: Term, b: Term) =>
    a.by === b.by && a.keys.join() === b.keys.join() && a.range === b.range && a.exclude === b.exclude;
  const all = [...phase.terms, ...terms].filter((t, i, list) => list.findIndex((u) => same(t, u)) === i);
  const everything = term([keys.executionIndex]);
  if (phase.by === 'ended' && !all.some((t) => t.by === 'ended'))
    all.push(term([keys.executionsEnded], EVERYTHING, 'ended'));
  // One round trip: each condition's count in its range, and the history's, to choose and to size the reads.
  const counts = await countOf(redis, [...all, everything]);
  const total = Math.max(1, counts.pop()!);
  // What a condition lets through: an exclusion, what its indexes do not hold.
  const count = new Map(all.map((t, i) => [t, t.exclude ? Math.max(0, total - counts[i]!) : counts[i]!]));
  // Every condition must hold: one that nothing meets empties the phase.
  if ([...count.values()].includes(0)) return { walk: new ListWalk([], desc), checks: [], chunk: 1 };
  const fewest = (list: Term[]) =>
    list.reduce<Term | undefined>((a, t) => (!a || count.get(t)! < count.get(a)! ? t : a), undefined);
  const share = (t: Term) => Math.min(1, count.get(t)! / total);
  const opened = (walk: (chunk: number) => Walk, ...sources: Term[]) => {
    // Conditions nearly everything meets (most runs are roots) are left to `keep` when they are all there is:
    // a round trip of ZMSCOREs for a few documents. Beside other checks they cost nothing more.
    // A condition every execution meets (an exclusion whose index is empty: no run has a parent) checks nothing.
    const rest = all.filter((t) => !sources.includes(t) && count.get(t)! < total);
    const checks = rest.some((t) => share(t) < 0.9) ? rest : [];
    // What share of the source the checks are expected to pass, as if independent.
    const chunk = sized(
      want,
      checks.reduce((r, t) => r * share(t), 1),
    );
    return { walk: walk(chunk), checks, chunk };
  };
  const walkOf = (t: Term) => (chunk: number) => {
    // Several indexes (template names) share the reads: each reads its part, and more when it runs out.
    const part = Math.max(MIN_CHUNK, Math.ceil(chunk / t.keys.length));
    const walks = t.keys.map((k) => new KeyWalk(redis, k, desc, t.range, after, part));
    return walks.length === 1 ? walks[0]! : new MergedWalk(walks, desc);
  };
  const best = fewest(all.filter((t) => t.by === 'created' && !t.exclude));
  if (phase.by === 'created') return best ? opened(walkOf(best), best) : opened(walkOf(everything));
  const ended = all.find((t) => t.by === 'ended')!;
  // By endDate: reading a small index whole beats walking `ended` when it holds fewer than the walk would read.
  if (best && count.get(best)! <= SMALL && count.get(best)! < Math.min(count.get(ended)!, want / share(best))) {
    const entries = await endScores(redis, keys, best, ended.range);
    return opened(() => new ListWalk(entries, desc, after), best, ended);
  }
  return opened(walkOf(ended), ended);
}

/** Index entries to read at once for `want` matches when a share of them is expected to pass. */
function sized(want: number, share: number): number {
  return Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.ceil((want / Math.max(share, 1e-3)) * 1.25)));
}

/** How many entries each term's range holds (ZCOUNT: O(log N)). */
async function countOf(redis: Redis, terms: Term[]): Promise<number[]> {
  const p = batch(redis);
  for (const t of terms) for (const k of t.keys) p.zcount(k, bound(t.range.min), bound(t.range.max));
  const counts = (await run(p)) as number[];
  let i = 0;
  return terms.map((t) => t.keys.reduce((n) => n + counts[i++]!, 0));
}

/** A small index read whole, as entries scored by endDate (those that ended in `range`). */
async function endScores(redis: Redis, keys: Keys, small: Term, range: Range): Promise<Entry[]> {
  const p = batch(redis);
  for (const k of small.keys) p.zrangebyscore(k, bound(small.range.min), bound(small.range.max));
  const ids = ((await run(p)) as string[][]).flat();
  if (!ids.length) return [];
  const scores = await redis.zmscore(keys.executionsEnded, ...ids);
  return ids
    .map((id, i) => ({ id, score: scores[i] === null ? NaN : Number(scores[i]) }))
    .filter((e) => within(e.score, range));
}

/** For each entry, whether every check holds (one ZMSCORE per index and batch, no document read). */
async function passes(redis: Redis, checks: Term[], entries: Entry[]): Promise<boolean[]> {
  const ok = entries.map(() => true);
  if (!checks.length) return ok;
  const ids = entries.map((e) => e.id);
  const p = batch(redis);
  for (const t of checks) for (const k of t.keys) p.zmscore(k, ...ids);
  const results = (await run(p)) as (string | null)[][];
  let r = 0;
  for (const t of checks) {
    const found = entries.map(() => false);
    for (const _ of t.keys) {
      results[r++]!.forEach((s, i) => {
        if (s !== null && within(Number(s), t.range)) found[i] = true;
      });
    }
    found.forEach((f, i) => {
      if (f === !!t.exclude) ok[i] = false;
    });
  }
  return ok;
}
