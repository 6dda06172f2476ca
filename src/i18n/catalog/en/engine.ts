/** English messages of the 'engine' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  // A run's and a task's status messages (step.ts, advance.ts, retry.ts).
  taskFailed: 'task {task} failed: {cause}',
  waitingForRetryOrSkip: '{failure} (waiting for RetryTask or SkipTask)',
  outputsFailed: 'Outputs: {cause}',
  skipRefused: 'SkipTask refused: {reason}',
  debugWaiting: 'Debug: waiting for ExecuteTask (next: {task})',
  debugCancelRefused: 'Debug: CancelTask refused: {reason}; waiting for ExecuteTask (next: {task})',
  debugJumpRefused: 'Debug: {reason}; waiting for ExecuteTask (next: {task})',
  retryAfter: 'retry {attempt} of {retries} after: {cause}',
  unknownAction: 'unknown action {action}: not a built-in action nor a template in the store',
  valueSelectorNotJq: 'Outputs.{output}.ValueSelector must be jq text',
  // The gate (gate.ts) and NotifyExecution's words (signals.ts).
  policyNotApproved: "the approval policy's approval is not approved yet",
  taskBlocked: 'task {task} cannot run: {reason}',
  noSuchTask: 'there is no task {task}',
  taskAfterApproval: 'task {task} comes after approval {approvals}, which is not approved',
  jumpBlocked: 'ExecuteTask cannot jump to {task}: {reason}',
  jumpOverApproval:
    'ExecuteTask cannot jump to {task}: it comes after approval {approvals}, which is not approved; ' +
    'run the approval first',
  approvalNotSkippable:
    '{task} is an approval step: it cannot be skipped (RetryTask asks again, CancelExecution ends the run)',
  skipBlocked: '{task} cannot be skipped: {reason}',
  completeBlocked: 'CompleteExecution cannot end the run as Success: {reason}',
  completeBeforeApproval: 'CompleteExecution cannot end the run as Success before approval {approvals} is approved',
  wordNeedsMode: '{word} is for executions in {mode} mode',
  noTaskLeft: 'execution {id} has no task left to run',
  noTaskToCancel: 'execution {id} has no task to cancel',
  noFailedTaskWaiting: 'execution {id} has no failed task waiting (Mode FailurePause)',
  // Loops (loop.ts, loop-task.ts).
  notAnAmount: '{what} must be a number or a percentage, got {value}',
  badBatchPauseOption: 'BatchPauseOption must be Automatic, FirstBatchPause or EveryBatchPause, got {value}',
  badRateControlMode: 'RateControl Mode must be Concurrency or Batch, got {value}',
  loopTooManyItems: 'Loop: {count} items, more than the {max} OOS allows',
  loopInvalid: 'Loop: {cause}',
  loopBatchRunning: 'loop {task}: batch {batch} running',
  loopBatchPaused: 'loop {task}: batch {batch} of {batches} done, waiting for NotifyExecution to go on',
  loopItemsDone: 'loop {task}: {done} of {total} items done',
  loopFailed: '{failed} of {total} items failed, more than MaxErrors {maxErrors}',
  loopFailedAt: '{failed} of {total} items failed, more than MaxErrors {maxErrors} (first: {item}: {cause})',
  itemCancelled: 'execution {status}',
} as const satisfies Record<string, string>;
