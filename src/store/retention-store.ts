import type { Redis } from 'ioredis';
import type { Ticket } from '../approval/ticket.js';
import type { RunRecord } from '../engine/run-record.js';
import type { Execution } from '../engine/types.js';
import { voteMember, type ApprovalTickets } from './approval-tickets.js';
import type { ExecutionStore } from './executions.js';
import type { Keys } from './keys.js';
import type { LoopStore } from './loops.js';
import { purgeExecution } from './purge.js';
import { batch } from './batch.js';

/** The indexes retention reads and leaves (store/execution-index.ts). */
export interface RetentionIndex {
  endedBefore(cutoffMs: number, limit: number, offset?: number): Promise<string[]>;
  remove(exec: Execution): Promise<void>;
  /** The indexes an id alone can be removed from (its document gone). */
  anyExecutionKeys(): string[];
}

/** Retention's view of Redis: a run read whole, and removed whole. */
export function retentionStore(deps: {
  redis: Redis;
  keys: Keys;
  executions: ExecutionStore;
  loops: LoopStore;
  tickets: ApprovalTickets;
  index: RetentionIndex;
}) {
  const { redis, keys, executions, loops, tickets, index } = deps;
  return {
    endedBefore: (cutoff: number, limit: number, offset: number) => index.endedBefore(cutoff, limit, offset),
    find: (id: string) => executions.find(id),
    async record(exec: Execution): Promise<RunRecord> {
      const loopItems: RunRecord['loopItems'] = {};
      const runs = [...(await executions.taskRecords(exec.id)), ...Object.values(exec.tasks)];
      for (const te of new Set(runs.filter((r) => r.loop).map((r) => r.taskExecutionId)))
        loopItems[te] = await loops.items(exec.id, te);
      return {
        execution: exec,
        taskRecords: await executions.taskRecords(exec.id),
        loopItems,
        children: await executions.children(exec.id),
      };
    },
    async tickets(executionId: string): Promise<Ticket[]> {
      const ids = await tickets.ofExecution(executionId);
      const found = await Promise.all(ids.map((id) => tickets.get(id).catch(() => undefined)));
      return found.filter((t): t is Ticket => !!t);
    },
    async remove(exec: Execution | { id: string }, parts: { loopTaskExecutions: string[]; tickets: Ticket[] }) {
      // Its document gone (a sweep stopped between its keys and its index): out of what an id names.
      if (!('status' in exec)) {
        const p = batch(redis);
        for (const key of [...index.anyExecutionKeys(), keys.executionIndex]) p.zrem(key, exec.id);
        await p.exec();
        return;
      }
      await purgeExecution(redis, keys, exec, {
        loopTaskExecutions: parts.loopTaskExecutions,
        tickets: parts.tickets.map((t) => t.id),
        votes: parts.tickets.flatMap((t) => t.votes.map((v) => voteMember(t.id, v.voter))),
      });
      await index.remove(exec);
    },
  };
}
