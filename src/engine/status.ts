/** Execution statuses of OOS, and which may follow which. */
export type ExecutionStatus = 'Queued' | 'Running' | 'Waiting' | 'Success' | 'Failed' | 'Cancelled';
export type TaskStatus = 'Running' | 'Waiting' | 'Success' | 'Failed' | 'Cancelled' | 'Skipped';

const transitions: Record<ExecutionStatus, readonly ExecutionStatus[]> = {
  Queued: ['Running', 'Cancelled'],
  Running: ['Running', 'Waiting', 'Success', 'Failed', 'Cancelled'],
  // Success/Failed from Waiting: CompleteExecution ends a Debug run by hand.
  Waiting: ['Running', 'Cancelled', 'Success', 'Failed'],
  Success: [],
  Failed: [],
  Cancelled: [],
};

/** Every execution status, in the order a run goes through them. */
export const EXECUTION_STATUSES = Object.keys(transitions) as ExecutionStatus[];

/** An execution status named by a caller (a query string, a Redis field), if it is one. */
export function isExecutionStatus(s: string): s is ExecutionStatus {
  return Object.hasOwn(transitions, s);
}

export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return transitions[from].includes(to);
}

/** The statuses an execution may be in to move to `to`: what the save script enforces in Redis. */
export function sourcesOf(to: ExecutionStatus): ExecutionStatus[] {
  return (Object.keys(transitions) as ExecutionStatus[]).filter((from) => canTransition(from, to));
}

export function isTerminal(s: ExecutionStatus): boolean {
  return transitions[s].length === 0;
}
