import type { ChainableCommander, Redis } from 'ioredis';
import { EXECUTION_STATUSES, type ExecutionStatus, isTerminal } from '../engine/status.js';
import type { Execution } from '../engine/types.js';
import type { Keys } from './keys.js';
import { queueScript, runScript } from './scripts.js';
import { batch } from './batch.js';

/** Bumped when an index is added: a Redis whose `version` is older is indexed again by the reconcile. */
export const INDEX_VERSION = '2';
/** Modes with an index: Automatic, nearly every run, is what is in neither (an index of it would select nothing). */
export const INDEXED_MODES = ['Debug', 'FailurePause'];

/** A run whose status is terminal but that has no end date (an older opsgate's): in `endless`. */
export const isEndless = (e: Pick<Execution, 'status' | 'endDate'>) => !e.endDate && isTerminal(e.status);

/**
 * Sorted sets of execution ids, so that lists read a page, not the history. ExecutionStore keeps
 * them: at create every index the execution belongs to (all, status, template, owner, each tag; a
 * child's parent and `child`; Debug and FailurePause), after a save that changed its status that
 * status and whether it ended. A root run is one not in `child`, an Automatic one in no mode index,
 * a run that has not ended one in a status index that is not terminal: no entry of its own for any
 * of them (a waiting run's would cost ~120 B). A save's update is one script over the status, ended
 * and endless indexes (which share a hash tag for it) in a pipeline after the save script, whose keys
 * are in another slot; it is idempotent, so the reconcile (index-reconcile.ts) repairs what a crash
 * between the two left. The other indexes are keys of their own.
 */
export class ExecutionIndex {
  private complete = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** The indexes fixed at creation. */
  private fixedKeys(e: Execution): string[] {
    const k = this.keys;
    return [
      k.executionsByTemplate(e.templateName),
      ...(e.owner ? [k.executionsByOwner(e.owner)] : []),
      ...Object.entries(e.tags ?? {}).map(([key, v]) => k.executionsByTag(key, v)),
      ...(e.parent ? [k.executionsByParent(e.parent.executionId), k.executionsChild] : []),
      ...(INDEXED_MODES.includes(e.mode) ? [k.executionsByMode(e.mode)] : []),
    ];
  }

  /** Its status set, `ended` (by endDate) when it has an end, `endless` when it ended without one. */
  private statusEntries(e: Execution): [string, number][] {
    const created = Date.parse(e.createDate);
    const entries: [string, number][] = [[this.keys.executionsByStatus(e.status), created]];
    if (e.endDate) entries.push([this.keys.executionsEnded, Date.parse(e.endDate)]);
    else if (isEndless(e)) entries.push([this.keys.executionsEndless, created]);
    return entries;
  }

  /** Every sorted set an execution goes in, with its score there. */
  private entriesOf(e: Execution): [string, number][] {
    const created = Date.parse(e.createDate);
    return [
      [this.keys.executionIndex, created],
      ...this.statusEntries(e),
      ...this.fixedKeys(e).map((k): [string, number] => [k, created]),
    ];
  }

  /**
   * Its status index and out of the other five, in or out of `ended` and `endless`: one script
   * (index-status-8.lua), so the same call moves it and repairs it whatever they held.
   */
  placeStatus(p: ChainableCommander, e: Execution): void {
    queueScript(this.redis, p, 'index-status', this.statusKeys, placeArgs(e));
  }

  /** index-status-8.lua's keys: one hash tag, so the script runs alone on a Cluster too. */
  private get statusKeys(): string[] {
    const k = this.keys;
    return [...EXECUTION_STATUSES.map((s) => k.executionsByStatus(s)), k.executionsEnded, k.executionsEndless];
  }

  /** Every index of a new execution. */
  async added(e: Execution): Promise<void> {
    const p = batch(this.redis);
    this.addNew(p, [e]);
    await run(p);
  }

  /** New executions into a pipeline of the caller's (a history loaded at once): one ZADD per index. */
  addNew(p: ChainableCommander, list: Execution[]): void {
    const byKey = new Map<string, (string | number)[]>();
    for (const e of list) {
      for (const [key, score] of this.entriesOf(e)) {
        const members = byKey.get(key) ?? [];
        if (!members.length) byKey.set(key, members);
        members.push(score, e.id);
      }
    }
    for (const [key, members] of byKey) p.zadd(key, ...members);
    if (list.length) p.sadd(this.keys.executionTemplateNames, ...new Set(list.map((e) => e.templateName)));
  }

  /**
   * After a save that changed the status: its status and ended indexes, then the stored status
   * read back. Another process's save may land between ours and this update; when the status read
   * back is not the one placed, the stored execution is placed again, so the last update follows
   * the last save.
   */
  async saved(e: Execution, reread: (id: string) => Promise<Execution | undefined>): Promise<void> {
    // An ended run's status is final: no later save can change it, so there is nothing to read back
    // (an older update that lands after this one reads this status back itself).
    // The script alone, not in a pipeline: a worker ends thousands of runs a second, and a pipeline of
    // one command costs it more than the command.
    if (isTerminal(e.status)) {
      await runScript(this.redis, 'index-status', this.statusKeys, placeArgs(e));
      return;
    }
    let exec: Execution | undefined = e;
    for (let i = 0; exec && i < 5; i++) {
      // Ordered: the status is read back after it was placed, also when they are on two nodes.
      const p = batch(this.redis, { ordered: true });
      this.placeStatus(p, exec);
      p.hget(this.keys.execution(exec.id), 'status');
      const stored = (await run(p)).at(-1) as string | null;
      if (stored === exec.status) return;
      exec = stored ? await reread(exec.id) : undefined;
      // Gone meanwhile (discarded): what was just placed must not outlive it.
      if (!stored) await this.remove(e);
    }
  }

  /** Drops every entry of one execution, `all` last (retention: after its keys are deleted). */
  async remove(exec: Execution): Promise<void> {
    const p = batch(this.redis);
    for (const key of this.fixedKeys(exec)) p.zrem(key, exec.id);
    for (const key of this.anyExecutionKeys()) p.zrem(key, exec.id);
    await run(p.zrem(this.keys.executionIndex, exec.id));
  }

  /** The indexes any execution may be in whatever its document says: what an id alone can be removed from. */
  anyExecutionKeys(): string[] {
    const k = this.keys;
    return [
      ...EXECUTION_STATUSES.map((s) => k.executionsByStatus(s)),
      ...INDEXED_MODES.map((m) => k.executionsByMode(m)),
      k.executionsEnded,
      k.executionsEndless,
      k.executionsChild,
    ];
  }

  /** Ids of executions that ended before `cutoffMs`, the oldest first, past `offset` (retention's sweep). */
  async endedBefore(cutoffMs: number, limit: number, offset = 0): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.executionsEnded, '-inf', `(${cutoffMs}`, 'LIMIT', offset, limit);
  }

  /** Executions by status, one ZCARD each. */
  async statusCounts(): Promise<Map<ExecutionStatus, number>> {
    const p = batch(this.redis);
    for (const s of EXECUTION_STATUSES) p.zcard(this.keys.executionsByStatus(s));
    const counts = (await run(p)) as number[];
    return new Map(EXECUTION_STATUSES.map((s, i) => [s, counts[i]!]));
  }

  /** Every template name an execution was started from: a small set (templates, not runs). */
  async templateNames(): Promise<string[]> {
    return this.redis.smembers(this.keys.executionTemplateNames);
  }

  /** Those that contain `part`, in any case: what TemplateName's filter reads the indexes of. */
  async templatesContaining(part: string): Promise<string[]> {
    const lower = part.toLowerCase();
    return (await this.templateNames()).filter((n) => n.toLowerCase().includes(lower));
  }

  /**
   * Whether every execution in `all` is in its other indexes: true once a reconcile pass ended on
   * this version. Before (a Redis an older opsgate filled), lists read `all` rather than trust them.
   */
  async isComplete(): Promise<boolean> {
    if (!this.complete) this.complete = (await this.redis.hget(this.keys.indexState, 'version')) === INDEX_VERSION;
    return this.complete;
  }
}

/** index-status-8.lua's arguments for `e`. */
const placeArgs = (e: Execution): (string | number)[] => [
  e.id,
  EXECUTION_STATUSES.indexOf(e.status) + 1,
  Date.parse(e.createDate),
  e.endDate ? Date.parse(e.endDate) : '',
  isTerminal(e.status) ? '1' : '',
];

/** Runs a pipeline; the first command that failed throws. */
export async function run(p: ChainableCommander): Promise<unknown[]> {
  const results = (await p.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed) throw failed[0];
  return results.map(([, v]) => v);
}
