import { parseDuration } from '../template/duration.js';
import type { Task } from '../template/schema.js';
import { inner, said } from './message.js';
import type { RunOutcome } from './step/types.js';

/** OOS's DelayType: how the wait grows from one attempt to the next. */
export type DelayType = 'Exponential' | 'Constant' | 'Linear';

/**
 * The one retry-delay rule (task Retries and ACS::WaitFor's polls): seconds to wait after attempt
 * n (0 for the first), Exponential 2^n, Constant Delay, Linear Delay + BackOff * n, at most capSeconds.
 */
export function retryDelaySeconds(
  type: DelayType,
  n: number,
  delay: number,
  backOff: number,
  capSeconds?: number,
): number {
  const seconds = type === 'Constant' ? delay : type === 'Linear' ? delay + backOff * n : 2 ** n;
  return capSeconds !== undefined ? Math.min(seconds, capSeconds) : seconds;
}

/**
 * Task-level Retries: a task whose action failed (and that does not count its own retries) waits
 * and runs again: Delay 1 s and BackOff 1 by default, an unknown DelayType counts as Exponential,
 * MaxRetryInterval in seconds or as a duration. Other outcomes pass through.
 */
export function retryOrFail(
  task: Task,
  data: Record<string, unknown> | undefined,
  outcome: RunOutcome,
  now: number,
): RunOutcome {
  if (outcome.kind !== 'failed' || !outcome.retryable) return outcome;
  const { retryable: _, ...failed } = outcome;
  const retries = Number(task.Retries ?? 0);
  const done = Number(data?.retries ?? 0);
  if (!Number.isFinite(retries) || done >= retries) return failed;
  const named = String(task.DelayType ?? 'Exponential');
  const type: DelayType = named === 'Constant' || named === 'Linear' ? named : 'Exponential';
  const max = parseDuration(task.MaxRetryInterval ?? '') ?? Number(task.MaxRetryInterval ?? NaN) * 1000;
  const cap = Number.isFinite(max) && max > 0 ? max / 1000 : undefined;
  const seconds = retryDelaySeconds(type, done, Number(task.Delay ?? 1), Number(task.BackOff ?? 1), cap);
  return {
    kind: 'wait',
    ...said('engine:retryAfter', { attempt: String(done + 1), retries: String(retries), cause: inner(outcome) }),
    data: { ...data, retries: done + 1 },
    resumeAt: now + seconds * 1000,
    ...(outcome.properties ? { properties: outcome.properties } : {}),
  };
}
