import type { Ticket } from '../approval/ticket.js';
import type { RunRecord } from '../engine/run-record.js';
import { isTerminal } from '../engine/status.js';
import type { Execution } from '../engine/types.js';
import type { Logger } from '../log.js';
import type { Archive } from '../archive/archive.js';
import { executionMasker } from '../engine/mask.js';
import type { AnyTemplate } from '../template/schema.js';

/** What retention reads and removes in Redis (the stores, bound in bin/runtime.ts). */
export type { RunRecord };

export interface RetentionStore {
  /** Ids of executions that ended before `cutoffMs`, oldest first, the first `offset` of them skipped. */
  endedBefore(cutoffMs: number, limit: number, offset: number): Promise<string[]>;
  find(id: string): Promise<Execution | undefined>;
  /** The run as the archive keeps it, read from Redis. */
  record(exec: Execution): Promise<RunRecord>;
  tickets(executionId: string): Promise<Ticket[]>;
  /** Every key and index entry of an ended execution; `id` alone when its document is gone already. */
  remove(exec: Execution | { id: string }, parts: { loopTaskExecutions: string[]; tickets: Ticket[] }): Promise<void>;
}

/** Where finished runs go before they leave Redis (archive/); absent, retention deletes. */
export type RetentionArchive = Pick<Archive, 'putRun' | 'putTicket'>;

export interface SweepResult {
  /** Executions removed from Redis (children counted). */
  removed: number;
  /** The archive refused a write: nothing more was removed, the next sweep tries again. */
  archiveDown?: string;
}

/**
 * Retention: finished executions older than the retention leave Redis in bounded batches, with their
 * task records, loop items, tickets and index entries, archived first when there is an archive. A run
 * is written to the archive before any of it is removed, so an archive that is down delays retention
 * and loses nothing. Only ended runs are touched: one that has not ended is never removed, whatever an
 * index says.
 */
export class Retention {
  constructor(
    private readonly deps: {
      store: RetentionStore;
      archive?: RetentionArchive;
      /** The run's template and the sha256 of its content, as the store has them. */
      template(exec: Execution): Promise<{ template: AnyTemplate; hash: string } | undefined>;
      retentionMs: number;
      now(): number;
      log: Logger;
      batch?: number;
    },
  ) {}

  /** Sweeps the first batch of the ended runs (sweepAll reads on past those that stay). */
  async sweep(): Promise<SweepResult> {
    const { removed, archiveDown } = await this.batchFrom(0);
    return archiveDown ? { removed, archiveDown } : { removed };
  }

  /**
   * Sweeps batch after batch until one is not full (or the archive refuses). Runs that stay (a child
   * whose parent is still in Redis, a run with an open ticket) stay at the head of the index: each
   * batch reads past those the earlier ones kept, so a long-lived parent's children hold up no one.
   */
  async sweepAll(): Promise<SweepResult> {
    const batch = this.deps.batch ?? 200;
    let removed = 0;
    let offset = 0;
    for (;;) {
      const r = await this.batchFrom(offset);
      removed += r.removed;
      offset += r.kept;
      if (r.archiveDown) return { removed, archiveDown: r.archiveDown };
      if (r.read < batch) return { removed };
    }
  }

  /** One batch of the ended runs, past the first `offset`: what it removed, kept and read. */
  private async batchFrom(offset: number): Promise<SweepResult & { kept: number; read: number }> {
    const { store, retentionMs, now, batch = 200 } = this.deps;
    const ids = await store.endedBefore(now() - retentionMs, batch, offset);
    let removed = 0;
    const kept: string[] = [];
    for (const id of ids) {
      try {
        const r = await this.retire(id);
        removed += r.removed;
        if (r.kept) kept.push(id);
      } catch (err) {
        if (!(err instanceof ArchiveWriteError)) throw err;
        // i18n-exempt: a log line, for operators
        this.deps.log.warn({ err: err.cause, executionId: id }, 'archive refused a write: retention waits');
        return { removed, archiveDown: err.message, kept: 0, read: ids.length };
      }
    }
    // A child kept early in the batch may have left since with its parent, later in it.
    let still = 0;
    for (const id of kept) if (await store.find(id)) still++;
    return { removed, kept: still, read: ids.length };
  }

  /**
   * One execution and its ended children: archived, then removed. Returns how many left Redis, and
   * whether this one stays. `withParent`: called by its parent's removal.
   */
  private async retire(id: string, withParent = false): Promise<{ removed: number; kept: boolean }> {
    const { store } = this.deps;
    const exec = await store.find(id);
    // Gone already (a sweep stopped between its keys and its index entries): finish the removal.
    if (!exec) {
      await store.remove({ id }, { loopTaskExecutions: [], tickets: [] });
      return { removed: 0, kept: false };
    }
    if (!isTerminal(exec.status)) return { removed: 0, kept: true };
    // A child its parent waited for leaves with its parent, never before: the parent reads the
    // child's end when it resumes, and lists the child (its record in the archive too). A trigger's
    // children are detached: the parent never reads them and may wait for ever, so they go alone.
    if (!withParent && exec.parent && !exec.parent.detached && (await store.find(exec.parent.executionId)))
      return { removed: 0, kept: true };
    const run = await store.record(exec);
    let removed = 0;
    // Children first: a parent removed before its children would leave them unreachable, so a
    // child that stays (it has not ended) keeps its parent too.
    for (const child of run.children) removed += (await this.retire(child, true)).removed;
    for (const child of run.children) if (await store.find(child)) return { removed, kept: true };
    const tickets = await store.tickets(exec.id);
    // A ticket still open on an ended run is closed when it ends (close codes); keep it until then.
    if (tickets.some((t) => t.status === 'AUDITING')) return { removed, kept: true };
    if (this.deps.archive) {
      try {
        const tpl = await this.deps.template(exec);
        await this.deps.archive.putRun(run, tpl?.template, tpl?.hash);
        const masker = executionMasker(exec, tpl?.template);
        for (const t of tickets) await this.deps.archive.putTicket(t, { masker, templateHash: tpl?.hash });
      } catch (err) {
        throw new ArchiveWriteError(`archive: ${(err as Error).message}`, err);
      }
    }
    await store.remove(exec, {
      loopTaskExecutions: Object.keys(run.loopItems),
      tickets,
    });
    return { removed: removed + 1, kept: false };
  }
}

class ArchiveWriteError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/** How often retention sweeps: a tenth of the retention, between 1 s and 1 h. */
export function sweepEveryMs(retentionMs: number): number {
  return Math.min(3_600_000, Math.max(1000, Math.round(retentionMs / 10)));
}
