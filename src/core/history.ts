import type { Ticket } from '../approval/ticket.js';
import type { LoopState } from '../engine/loop.js';
import type { ItemRecord } from '../engine/loop-task.js';
import type { RunRecord } from '../engine/run-record.js';
import type { Execution, TaskRecord } from '../engine/types.js';
import { ExecutionNotFoundError } from '../errors.js';

/** The archive's read side (archive/): runs and tickets that have left Redis. */
export interface HistoryArchive {
  run(executionId: string): Promise<RunRecord | undefined>;
  ticket(ticketId: string): Promise<Ticket | undefined>;
}

/** The Redis reads the readers make today (ExecutionStore, LoopStore, ApprovalService). */
interface Live {
  executions: {
    find(id: string): Promise<Execution | undefined>;
    taskRecords(id: string): Promise<(TaskRecord & { name: string })[]>;
    children(id: string): Promise<string[]>;
    deliveries(id: string): Promise<Record<string, unknown>[]>;
  };
  loops: {
    get(id: string, te: string): Promise<{ state: LoopState } | undefined>;
    items(id: string, te: string): Promise<ItemRecord[]>;
  };
  tickets: { get(id: string): Promise<Ticket> };
}

/** How long an archived run read for one answer is kept, so one page's reads cost one query. */
const RECENT_MS = 5000;

/**
 * Reads that find a run wherever it is: in Redis while it is there, in the archive once retention
 * has moved it. Readers (the API, the pages, chat) use it with the method names of the stores they
 * read, so an archived run answers exactly as it did before it left Redis.
 */
export class History {
  private readonly recent = new Map<string, { at: number; run: Promise<RunRecord | undefined> }>();

  constructor(
    private readonly live: Live,
    private readonly archive?: HistoryArchive,
    private readonly now: () => number = Date.now,
  ) {}

  /** The run from the archive when Redis no longer has it; undefined while it is in Redis. */
  private async archived(id: string): Promise<RunRecord | undefined> {
    if (!this.archive || (await this.live.executions.find(id))) return undefined;
    const t = this.now();
    for (const [k, v] of this.recent) if (t - v.at > RECENT_MS) this.recent.delete(k);
    let hit = this.recent.get(id);
    if (!hit) {
      hit = { at: t, run: this.archive.run(id) };
      this.recent.set(id, hit);
      hit.run.catch(() => this.recent.delete(id));
    }
    return hit.run;
  }

  async find(id: string): Promise<Execution | undefined> {
    return (await this.live.executions.find(id)) ?? (await this.archived(id))?.execution;
  }

  async get(id: string): Promise<Execution> {
    const exec = await this.find(id);
    if (!exec) throw new ExecutionNotFoundError(id);
    return exec;
  }

  async taskRecords(id: string): Promise<(TaskRecord & { name: string })[]> {
    return (await this.archived(id))?.taskRecords ?? this.live.executions.taskRecords(id);
  }

  async children(id: string): Promise<string[]> {
    return (await this.archived(id))?.children ?? this.live.executions.children(id);
  }

  /** Notifications that could not be delivered: kept in Redis only (the archive keeps the run). */
  async deliveries(id: string): Promise<Record<string, unknown>[]> {
    return this.live.executions.deliveries(id);
  }

  /** A loop's state while its run is in Redis (the archive keeps its items, and the task's counts). */
  async loop(id: string, te: string): Promise<{ state: LoopState } | undefined> {
    return this.live.loops.get(id, te);
  }

  async items(id: string, te: string): Promise<ItemRecord[]> {
    const archived = await this.archived(id);
    return archived ? (archived.loopItems[te] ?? []) : this.live.loops.items(id, te);
  }

  /** A ticket in Redis, else in the archive; rejects as the store does when neither has it. */
  async ticket(id: string): Promise<Ticket> {
    try {
      return await this.live.tickets.get(id);
    } catch (err) {
      const archived = await this.archive?.ticket(id);
      if (archived) return archived;
      throw err;
    }
  }
}
