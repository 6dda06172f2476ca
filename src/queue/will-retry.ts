import { UnrecoverableError, type Job } from 'bullmq';

/** How often a step job may stall (its worker died holding it) before BullMQ fails it for good. */
export const MAX_STALLED_COUNT = 5;

/**
 * Whether BullMQ will run a job that just failed again, read from its attempt data as BullMQ's own
 * retry rule does: attempts left, and not failed for good. A job that stalled more than
 * `maxStalledCount` times is failed for good (BullMQ 5 from its stalled checker, BullMQ 6 with an
 * UnrecoverableError when next taken), whatever attempts it has left: its stalledCounter says so.
 */
export function willRetry(
  job: Pick<Job, 'attemptsMade' | 'opts' | 'stalledCounter'>,
  err: Error,
  maxStalledCount = MAX_STALLED_COUNT,
): boolean {
  // By class, as BullMQ's own shouldRetryJob does (its name too, for errors rebuilt across processes).
  if (err instanceof UnrecoverableError || err.name === 'UnrecoverableError') return false;
  if (job.stalledCounter > maxStalledCount) return false;
  return job.attemptsMade < (job.opts.attempts ?? 1);
}
