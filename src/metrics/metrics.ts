import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../log.js';
import { NOTIFY, STEPS } from '../queue/producer.js';
import { ExecutionIndex } from '../store/execution-index.js';
import type { Keys } from '../store/keys.js';
import { TicketStatusIndex } from '../store/ticket-index.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;
/** A scrape gives up on Redis after this; the process's own metrics still answer. */
const SCRAPE_TIMEOUT_MS = 5000;

/** Seconds, from minutes-long cloud tasks down to instant built-ins; approvals wait far longer. */
const TASK_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];
const APPROVAL_BUCKETS = [
  1,
  10,
  60,
  300,
  900,
  1800,
  3600,
  2 * 3600,
  4 * 3600,
  8 * 3600,
  24 * 3600,
  2 * 24 * 3600,
  7 * 24 * 3600,
];

/** One process's metrics: its own registry, so several processes (and tests) never share series. */
export interface Metrics {
  readonly registry: Registry;
  /** A task got its final status (dates as ISO strings). */
  taskEnded(task: { action: string; status: string; startDate: string; endDate?: string }): void;
  /** A ticket was decided: APPROVED, REJECT or CANCEL (withdrawn, timed out, no approver). */
  approvalDecided(ticket: { status: string; createDate: string; decidedAt?: string }): void;
  /** A notification will not be tried again. */
  notificationFailed(channel: string): void;
  close(): Promise<void>;
}

let processRegistry: Registry | undefined;

/**
 * CPU, memory, event loop and GC belong to the process: collected once (each collection starts an
 * event-loop monitor and a GC observer that cannot be stopped) and shown by every registry.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const seconds = (from: string, to: string | undefined) =>
  Math.max(0, ((to ? Date.parse(to) : Date.now()) - Date.parse(from)) / 1000);

export function createMetrics(deps: {
  redis: Redis;
  /** BullMQ's connection (runtime.ts says why it is its own). */
  queues?: Redis;
  keys: Keys;
  log: Logger;
  shards?: number;
}): Metrics {
  const { redis, keys, log } = deps;
  const registry = new Registry();
  const proc = processMetrics();
  for (const { name } of proc.getMetricsAsArray()) registry.registerMetric(proc.getSingleMetric(name)!);
  const registers = [registry];
  // Every shard of the steps queue (counted together under `steps`), then notify. Only counted here:
  // skipMetasUpdate keeps them from writing BullMQ's default options over the producer's.
  const opts = { connection: deps.queues ?? redis, skipMetasUpdate: true };
  const queues = [
    ...Array.from(
      { length: deps.shards ?? 1 },
      (_, n) => new Queue(STEPS, { ...opts, prefix: keys.shardPrefix(n, deps.shards ?? 1) }),
    ),
    new Queue(NOTIFY, { ...opts, prefix: keys.bullPrefix }),
  ];
  // Their connection is the runtime's, whose errors are logged where it is made.
  for (const q of queues) q.on('error', (err) => log.debug({ err: err.message, queue: q.name }, 'metrics queue error'));
  // Counts are the sizes of the status indexes, kept as executions and tickets change: one command each.
  const executions = new ExecutionIndex(redis, keys);
  const tickets = new TicketStatusIndex(redis, keys);

  /** Runs a scrape-time read of Redis; when Redis is down or slow the metric shows no samples. */
  const fromRedis = async (what: string, read: () => Promise<void>) => {
    if (redis.status !== 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        read(),
        new Promise((_, fail) => {
          // i18n-exempt: an error that only reaches the log line below
          timer = setTimeout(() => fail(new Error('timed out')), SCRAPE_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      log.warn({ err: (err as Error).message, metric: what }, 'metric not read from Redis');
    } finally {
      clearTimeout(timer);
    }
  };

  const executionGauge: Gauge<'status'> = new Gauge({
    name: 'opsgate_executions',
    registers,
    labelNames: ['status'],
    help:
      'Executions of the whole deployment by status (those still in Redis), read from its status indexes ' +
      'at scrape time: every process reports the same figure.',
    collect: () =>
      fromRedis('opsgate_executions', async () => {
        const counts = await executions.statusCounts();
        executionGauge.reset();
        for (const [status, n] of counts) executionGauge.set({ status }, n);
      }),
  });
  const pendingGauge: Gauge = new Gauge({
    name: 'opsgate_approval_tickets_pending',
    registers,
    help:
      'Approval tickets of the whole deployment still waiting for a decision (AUDITING), read from Redis at ' +
      'scrape time.',
    collect: () =>
      fromRedis('opsgate_approval_tickets_pending', async () => {
        pendingGauge.set(await redis.scard(keys.ticketsByStatus('AUDITING')));
      }),
  });
  const ticketGauge: Gauge<'status'> = new Gauge({
    name: 'opsgate_approval_tickets',
    registers,
    labelNames: ['status'],
    help:
      'Approval tickets of the whole deployment by status (AUDITING, APPROVED, REJECT, CANCEL; those still in ' +
      'Redis), read from its status indexes at scrape time.',
    collect: () =>
      fromRedis('opsgate_approval_tickets', async () => {
        const counts = await tickets.counts();
        ticketGauge.reset();
        for (const [status, n] of counts) ticketGauge.set({ status }, n);
      }),
  });
  const queueGauge: Gauge<'queue' | 'state'> = new Gauge({
    name: 'opsgate_queue_jobs',
    registers,
    labelNames: ['queue', 'state'],
    help:
      "BullMQ jobs by queue (steps: the workers' work; notify: messages for the bot) and state, read at " +
      'scrape time.',
    collect: () =>
      fromRedis('opsgate_queue_jobs', async () => {
        const counts = await Promise.all(queues.map((q) => q.getJobCounts(...JOB_STATES)));
        queueGauge.reset();
        queues.forEach((q, i) => {
          for (const state of JOB_STATES) queueGauge.inc({ queue: q.name, state }, counts[i]![state] ?? 0);
        });
      }),
  });
  const taskDuration = new Histogram({
    name: 'opsgate_task_duration_seconds',
    registers,
    labelNames: ['action', 'status'],
    buckets: TASK_BUCKETS,
    help:
      "Tasks that ended in this process, by action and final status: seconds from the task's start to its " +
      "end (waits, such as an approval's, included).",
  });
  const approvalLatency = new Histogram({
    name: 'opsgate_approval_latency_seconds',
    registers,
    labelNames: ['outcome'],
    buckets: APPROVAL_BUCKETS,
    help:
      'Approval tickets decided in this process, by outcome (APPROVED, REJECT, CANCEL): seconds from the ' +
      "ticket's creation to its decision.",
  });
  const notificationFailures = new Counter({
    name: 'opsgate_notification_failures_total',
    registers,
    labelNames: ['channel'],
    help:
      'Notifications that failed for good in this process (retries exhausted or refused), by channel: ' +
      'WebHook, Mail, callback, or the chat platform.',
  });

  return {
    registry,
    taskEnded: (t) => taskDuration.observe({ action: t.action, status: t.status }, seconds(t.startDate, t.endDate)),
    approvalDecided: (t) => approvalLatency.observe({ outcome: t.status }, seconds(t.createDate, t.decidedAt)),
    notificationFailed: (channel) => notificationFailures.inc({ channel }),
    async close() {
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
