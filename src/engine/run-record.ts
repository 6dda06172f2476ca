import type { ItemRecord } from './loop-task.js';
import type { Execution, TaskRecord } from './types.js';

/**
 * One run whole, as it leaves Redis for the archive and comes back from it unchanged: its document,
 * every task run (ListTaskExecutions), its loops' items by the loop task's run, its child runs' ids.
 */
export interface RunRecord {
  execution: Execution;
  taskRecords: (TaskRecord & { name: string })[];
  loopItems: Record<string, ItemRecord[]>;
  children: string[];
}
