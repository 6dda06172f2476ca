import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { TicketTimer } from '../approval/ticket.js';
import type { ProgressMessage } from '../engine/step.js';
import type { ParentRef } from '../engine/types.js';
import type { Keys } from '../store/keys.js';

export const STEPS = 'steps';
export const NOTIFY = 'notify';

/** Every kind of job on the steps queue, by its name: the data it carries. */
export interface StepJobs {
  /** The driver of an execution: its first step, a resume after a wait, a wake-up at a time. */
  start: { executionId: string };
  resume: { executionId: string };
  wake: { executionId: string };
  /** One item of a loop. */
  item: { executionId: string; taskExecutionId: string; index: number };
  /** A timer trigger's schedule went off (core/triggers.ts adds it as a job scheduler). */
  fire: { executionId: string };
  'ticket-timer': TicketTimer;
  deliver: { ticketId: string; level: number };
  callback: { ticketId: string };
  /** A run of the index reconcile (store/index-reconcile.ts), from its job scheduler. */
  reconcile: Record<string, never>;
  /** A sweep of retention (core/retention.ts), from its job scheduler. */
  retention: Record<string, never>;
}
export type StepJobName = keyof StepJobs;
/** The data of any step job (which one its name says: see StepJobs). */
export type StepJob = StepJobs[StepJobName];

/**
 * What the bot process is asked to tell people; it renders it for the execution's platform. `chat-retry` is a
 * platform's own work handed back to it later (DingTalk's people it held back): its data is the platform's.
 */
export type NotifyJob =
  | ProgressMessage
  | { kind: 'ticket'; ticketId: string }
  | { kind: 'remind'; ticketId: string }
  | ChatRetryJob;

export interface ChatRetryJob {
  kind: 'chat-retry';
  platform: string;
  data: Record<string, unknown>;
}

/** FNV-1a of the execution id, modulo the shards: stable across processes and restarts. */
export function shardIndex(executionId: string, shards: number): number {
  if (shards <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < executionId.length; i++) h = Math.imul(h ^ executionId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % shards;
}

/** BullMQ job ids may not contain ':' (opsgate:policy, product action names): replaced. */
const jobId = (...parts: (string | number)[]) => parts.join('-').replace(/:/g, '_');

const KEEP = {
  // The execution keeps the state; a completed step job is only memory (about 1.2 KB each).
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
  // A step that finds its execution held by another job retries until that job ends or BullMQ
  // recovers it from a dead worker (one lock period): 12 attempts from 100 ms doubling, ~7 min.
  attempts: 12,
  backoff: { type: 'exponential', delay: 100 },
};

/**
 * Enqueues work with job ids derived from what the job is for, so that a second enqueue of the
 * same step (a retry, a race between two voters) is a no-op.
 */
export class Producer {
  /** Shard 0 of the steps queue: the jobs of no execution (schedulers, tickets) and, unsharded, all. */
  readonly steps: Queue<StepJob>;
  /** Every shard of the steps queue (OPSGATE_QUEUE_SHARDS), shard 0 first. */
  readonly shards: Queue<StepJob>[];
  readonly notifications: Queue<NotifyJob>;

  constructor(connection: ConnectionOptions, keys: Keys, shards = 1) {
    // BullMQ's event stream keeps 10,000 entries by default: memory for no reader of ours.
    const opts = { connection, streams: { events: { maxLen: 500 } } };
    this.shards = Array.from(
      { length: shards },
      (_, n) => new Queue<StepJob>(STEPS, { ...opts, prefix: keys.shardPrefix(n, shards) }),
    );
    this.steps = this.shards[0]!;
    this.notifications = new Queue<NotifyJob>(NOTIFY, { ...opts, prefix: keys.bullPrefix });
  }

  /** The shard an execution's jobs go to: the same for all of them, so a step and its resume share it. */
  shardOf(executionId: string): Queue<StepJob> {
    return this.shards[shardIndex(executionId, this.shards.length)]!;
  }

  /** The one place step jobs are added: a job's name and its data go together, to its execution's shard. */
  private add<K extends StepJobName>(name: K, data: StepJobs[K], opts: JobsOptions): Promise<unknown> {
    const id = (data as { executionId?: unknown }).executionId;
    return (typeof id === 'string' ? this.shardOf(id) : this.steps).add(name, data, opts);
  }

  async start(executionId: string): Promise<void> {
    await this.add('start', { executionId }, { ...KEEP, jobId: jobId('start', executionId) });
  }

  /** Resumes a waiting execution once its task's wait is over (a decided ticket). */
  async resume(executionId: string, task: string, reason: string): Promise<void> {
    await this.add('resume', { executionId }, { ...KEEP, jobId: jobId('resume', executionId, task, reason) });
  }

  /** Wakes a waiting execution at a time (ACS::Sleep): a delayed job, no worker held meanwhile. */
  async wake(executionId: string, task: string, at: number): Promise<void> {
    await this.add(
      'wake',
      { executionId },
      { ...KEEP, jobId: jobId('wake', executionId, task, at), delay: Math.max(0, at - Date.now()) },
    );
  }

  /** A child ended (engine/step/parent.ts says which parent waits): resume its task, or its loop item. */
  async resumeParent(parent: ParentRef, childId: string): Promise<void> {
    const { executionId, taskExecutionId, index } = parent;
    if (index !== undefined) await this.item(executionId, taskExecutionId, index, `child-${childId}`);
    else await this.resume(parent.executionId, parent.taskName, `child-${childId}`);
  }

  /** Runs (or wakes) one loop item; `reason` keeps retries and wake-ups apart. */
  async item(executionId: string, taskExecutionId: string, index: number, reason = 'run', at?: number): Promise<void> {
    await this.add(
      'item',
      { executionId, taskExecutionId, index },
      {
        ...KEEP,
        jobId: jobId('item', executionId, taskExecutionId, index, reason),
        ...(at ? { delay: Math.max(0, at - Date.now()) } : {}),
      },
    );
  }

  /** A ticket's timeout, reminder or escalation, at its time. */
  async ticketTimer(job: TicketTimer, delayMs: number): Promise<void> {
    await this.add('ticket-timer', job, {
      ...KEEP,
      attempts: 3,
      jobId: jobId('ticket', job.kind, job.ticketId, job.level),
      delay: delayMs,
    });
  }

  /** Announces an approval level by its WebHook or Mail; retried with backoff, never blocking the vote. */
  async deliver(ticketId: string, level: number, at?: number): Promise<void> {
    await this.add(
      'deliver',
      { ticketId, level },
      {
        ...KEEP,
        attempts: 5,
        backoff: { type: 'exponential', delay: 2000 },
        jobId: jobId('deliver', ticketId, level, at ?? 'now'),
        ...(at ? { delay: Math.max(0, at - Date.now()) } : {}),
      },
    );
  }

  /** Tells a CreateApproval caller its decision; retried with backoff for about an hour. */
  async callback(ticketId: string): Promise<void> {
    await this.add(
      'callback',
      { ticketId },
      { ...KEEP, attempts: 12, backoff: { type: 'exponential', delay: 1000 }, jobId: jobId('callback', ticketId) },
    );
  }

  /** The index reconcile every `everyMs` (store/index-reconcile.ts). */
  scheduleReconcile(everyMs: number): Promise<void> {
    return this.every('index-reconcile', 'reconcile', everyMs);
  }

  /** Retention's sweep every `everyMs` (core/retention.ts). */
  scheduleRetention(everyMs: number): Promise<void> {
    return this.every('retention', 'retention', everyMs);
  }

  /** A job scheduler: one job a period however many workers ask for it, the first at once. */
  private async every(scheduler: string, name: 'reconcile' | 'retention', everyMs: number): Promise<void> {
    await this.steps.upsertJobScheduler(
      scheduler,
      { every: everyMs },
      { name, data: {}, opts: { removeOnComplete: true, removeOnFail: { age: 24 * 3600 } } },
    );
  }

  async notify(job: NotifyJob): Promise<void> {
    // A card shows the ticket as it is when rendered: a burst of votes needs one update, not one
    // each (at most one rendering runs and one waits per ticket).
    const coalesce =
      job.kind === 'ticket' ? { deduplication: { id: `card-${job.ticketId}`, keepLastIfActive: true } } : {};
    await this.notifications.add(job.kind, job, {
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600 },
      attempts: 3,
      backoff: { type: 'exponential', delay: 500 },
      ...coalesce,
    });
  }

  /**
   * A chat platform's sending to try again in `delayMs` (ChatPorts.retryLater): a delayed job, so that a
   * restart of the bot process loses none; whichever bot process runs then sends.
   */
  async chatRetry(platform: string, data: Record<string, unknown>, delayMs: number): Promise<void> {
    const job: ChatRetryJob = { kind: 'chat-retry', platform, data };
    await this.notifications.add(job.kind, job, {
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600 },
      attempts: 3,
      backoff: { type: 'exponential', delay: 500 },
      delay: Math.max(0, delayMs),
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.steps.close(), this.notifications.close()]);
  }
}
