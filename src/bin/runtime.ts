import { existsSync } from 'node:fs';
import { type Job, Worker } from 'bullmq';
import { ShardWorkers } from '../queue/shard-workers.js';
import type { Redis } from 'ioredis';
import type { Config } from '../config/env.js';
import { createCloudClient } from '../cloud/client.js';
import { configureBuiltins } from '../engine/builtins.js';
import { deliverCallback } from '../notify/callback.js';
import { Deliveries, LaterError } from '../notify/deliveries.js';
import { renderWebhookBody, sendWebhook } from '../notify/webhook.js';
import { secretOf } from '../store/secret.js';
import { Access, isDevMode } from '../http/auth/access.js';
import { BearerAuth } from '../http/auth/bearer.js';
import { RateLimiter } from '../http/auth/rate-limit.js';
import { SessionRevocations } from '../http/auth/revocations.js';
import { Directory } from '../config/directory.js';
import { ApprovalService } from '../core/approval-service.js';
import { loadPolicies, type Policy } from '../config/policies.js';
import { Executions } from '../core/executions.js';
import { Permissions } from '../core/permissions.js';
import { Triggers } from '../core/triggers.js';
import type { Logger } from '../log.js';
import { NOTIFY, Producer, STEPS, type NotifyJob, type StepJob, type StepJobs } from '../queue/producer.js';
import { executionOf, stepProcessor } from '../queue/processor.js';
import { MAX_STALLED_COUNT, willRetry } from '../queue/will-retry.js';
import { ExecutionStore } from '../store/executions.js';
import { IndexReconciler } from '../store/index-reconcile.js';
import { LoopStore } from '../store/loops.js';
import { keys as buildKeys, type Keys } from '../store/keys.js';
import { connect } from '../store/redis.js';
import { coalesceWrites } from '../store/coalesce.js';
import type { RedisTarget } from '../config/redis-env.js';
import { TemplateStore } from '../store/templates.js';
import { ApprovalTickets } from '../store/approval-tickets.js';
import { Readiness } from '../http/health.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { closeJq, configureJq } from '../template/jq.js';
import { auditRecords, type AuditRecord } from '../core/audit.js';
import { History } from '../core/history.js';
import { Retention, sweepEveryMs } from '../core/retention.js';
import { votesBetween } from '../store/approval-tickets.js';
import { retentionStore } from '../store/retention-store.js';
import { ArchiveLink } from './archive-link.js';
import { ConfigError, OpsgateError } from '../errors.js';
import { msg } from '../i18n/index.js';

/** The parts both processes are built from; composition only, no decisions. */
export interface Runtime {
  config: Config;
  log: Logger;
  redis: Redis;
  /** BullMQ's connection: queues, workers and their scripts (apart from the stores'). */
  queues: Redis;
  keys: Keys;
  directory: Directory;
  permissions: Permissions;
  templates: TemplateStore;
  executionStore: ExecutionStore;
  tickets: ApprovalTickets;
  producer: Producer;
  approvals: ApprovalService;
  policies: Policy[];
  executions: Executions;
  triggers: Triggers;
  /** This process's metrics, shared by the bot and the worker when one process runs both. */
  metrics: Metrics;
  /** What /readyz waits for besides Redis; each part registers itself as it starts. */
  readiness: Readiness;
  /** The PostgreSQL archive, when OPSGATE_ARCHIVE_URL is set. */
  archive?: ArchiveLink;
  /** Reads that find a run in Redis or, once retention moved it, in the archive. */
  history: History;
  loops: LoopStore;
  /** Approval decisions in a date range, from Redis and the archive. */
  audit(q: { since: number; until?: number; limit: number; cursor?: string }): Promise<{
    records: AuditRecord[];
    next?: string;
  }>;
  close(): Promise<void>;
}

/** A PostgreSQL schema name from a key prefix (letters, digits, - and _). */
export const archiveSchemaOf = (prefix: string) => {
  const name = prefix.replace(/-/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `opsgate_${name}`;
};

/** People are listed by their id on the registry's people platforms (config.platforms.people). */
export function loadDirectory(config: Config): Directory {
  const file = config.directoryFile ?? (existsSync('directory.yaml') ? 'directory.yaml' : undefined);
  const people = config.platforms.people;
  return file ? Directory.load(file, people) : new Directory({}, people);
}

/** `redis`: a URL (the one ensureRedis found), or the Cluster or Sentinel of the configuration. */
export function createRuntime(config: Config, where: RedisTarget | string, log: Logger): Runtime {
  // jq programs run in this process's pool of jq threads, within these limits.
  configureJq(config.jq);
  // {{ ACS::OpsgateUrl }}: the web process and the worker read the same PUBLIC_URL, HOST and PORT.
  configureBuiltins(config);
  const redis = connect(where);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const keys = buildKeys(config.keyPrefix);
  const directory = loadDirectory(config);
  const templates = new TemplateStore(redis, keys);
  const executionStore = new ExecutionStore(redis, keys, (err, executionId) =>
    log.warn({ err: err.message, executionId }, 'index update failed after a save; the reconcile repairs it'),
  );
  const tickets = new ApprovalTickets(redis, keys);
  // BullMQ on a connection of its own: it defines some fifty scripts on the connection it is given, and
  // ioredis copies every script of a connection into each pipeline made on it, which the stores make
  // at every save. Their own connection keeps opsgate's ten.
  const queues = coalesceWrites(redis.duplicate());
  queues.on('error', (err) => log.debug({ err: err.message }, 'queue connection error'));
  const producer = new Producer(queues, keys, config.queueShards);
  // Without a listener BullMQ prints each connection error's stack; the connection's own handler above logs it once.
  for (const q of [...producer.shards, producer.notifications])
    q.on('error', (err) => log.debug({ err: err.message, queue: q.name }, 'queue error'));
  const metrics = createMetrics({ redis, queues, keys, log, shards: config.queueShards });
  const approvals = new ApprovalService(
    tickets,
    directory,
    producer,
    async (id) => {
      const e = await executionStore.find(id);
      if (!e) return undefined;
      const outputs = Object.fromEntries(
        Object.entries(e.tasks)
          .filter(([, t]) => t.outputs)
          .map(([n, t]) => [n, t.outputs]),
      );
      return { parameters: e.parameters, outputs, request: { owner: e.owner } };
    },
    () => new Date(),
    (t) => metrics.approvalDecided(t),
  );
  const policies = loadPolicies(config.policiesFile);
  const permissions = new Permissions(directory, config.adminGroup);
  const executions = new Executions(templates, executionStore, producer, config.region, policies, permissions, (e) =>
    approvals.closeForExecution(e),
  );
  const triggers = new Triggers(executions, executionStore, templates, producer);
  const loops = new LoopStore(redis, keys);
  const readiness = new Readiness();
  // The archive's tables are in a schema named after the key prefix: deployments sharing a
  // database stay apart as they do sharing a Redis.
  const archive = config.archiveUrl
    ? new ArchiveLink(config.archiveUrl, log, { schema: archiveSchemaOf(config.keyPrefix) }).start()
    : undefined;
  if (archive) readiness.require('archive', () => archive.up);
  const history = new History(
    { executions: executionStore, loops, tickets },
    archive && {
      run: async (id) => (await archive.get()).run(id),
      ticket: async (id) => (await archive.get()).ticket(id),
    },
  );
  const audit = (q: { since: number; until?: number; limit: number; cursor?: string }) =>
    auditRecords(
      {
        votes: (since, until, offset, count) => votesBetween(redis, keys, since, until, offset, count),
        liveTicket: (id) => tickets.get(id).catch(() => undefined),
        execution: (id) => history.find(id),
        templateHash: async (name, version) => (await templates.get(name, version).catch(() => undefined))?.hash,
        archive: archive && { audit: async (a) => (await archive.get()).audit(a) },
      },
      q,
    );
  return {
    config,
    log,
    redis,
    queues,
    keys,
    directory,
    templates,
    executionStore,
    tickets,
    producer,
    approvals,
    executions,
    triggers,
    policies,
    permissions,
    metrics,
    readiness,
    archive,
    history,
    loops,
    audit,
    async close() {
      await archive?.close();
      await metrics.close();
      await producer.close();
      await closeJq();
      queues.disconnect();
      redis.disconnect();
    },
  };
}

/** Failed bearer tokens a minute from one address before every token from there waits (as failed sign-ins). */
export const BEARER_FAILURE_LIMIT = 20;

/** Who may reach which route: the same rules in the bot process and a worker's probe server. */
export function createAccess(rt: Runtime): Access {
  const bearer = new BearerAuth(
    rt.config.apiTokens,
    rt.directory,
    new RateLimiter(rt.redis, rt.keys, 'bearer', BEARER_FAILURE_LIMIT),
  );
  return new Access({
    secret: () => secretOf(rt),
    directory: rt.directory,
    bearer,
    revocations: new SessionRevocations(rt.redis, rt.keys),
    devMode: isDevMode(rt.config),
    permissions: rt.permissions,
    defaults: { locale: rt.config.locale, timezone: rt.config.timezone },
  });
}

/** Where links in messages point (PUBLIC_URL, else the web process's listen address). */
export function publicUrlOf(config: Config): string {
  return config.publicUrl ?? `http://${config.host}:${config.port}`;
}

/** Retention over this runtime's stores and archive; tests pass another clock, retention or archive. */
export function retentionOf(
  rt: Runtime,
  opts: { retentionMs?: number; now?: () => number; archive?: ArchiveLink } = {},
): Retention {
  const archive = opts.archive ?? rt.archive;
  return new Retention({
    store: retentionStore({
      redis: rt.redis,
      keys: rt.keys,
      executions: rt.executionStore,
      loops: rt.loops,
      tickets: rt.tickets,
      index: rt.executionStore.index,
    }),
    archive: archive && {
      putRun: async (...a) => (await archive.get()).putRun(...a),
      putTicket: async (...a) => (await archive.get()).putTicket(...a),
    },
    template: async (e) => {
      const t = await rt.templates.get(e.templateName, e.templateVersion).catch(() => undefined);
      return t && { template: t.template, hash: t.hash };
    },
    retentionMs: opts.retentionMs ?? rt.config.retentionMs,
    now: opts.now ?? Date.now,
    log: rt.log,
  });
}

/** How often the index reconcile runs (a job scheduler on the steps queue), and for how long at most. */
export const RECONCILE_EVERY_MS = 60_000;
const RECONCILE_BUDGET_MS = 1000;

/** The BullMQ worker that runs executions. Any number of these may share one Redis. */
export function startStepWorker(rt: Runtime, concurrency = 10): ShardWorkers<StepJob> {
  const { log } = rt;
  const publicUrl = publicUrlOf(rt.config);
  const deliveries = new Deliveries({
    approvals: rt.approvals,
    directory: rt.directory,
    executions: rt.executionStore,
    redis: rt.redis,
    keys: rt.keys,
    secret: () => secretOf(rt),
    publicUrl,
    fetch: globalThis.fetch,
    now: Date.now,
    log,
    failed: (channel) => rt.metrics.notificationFailed(channel),
    defaults: { locale: rt.config.locale, timezone: rt.config.timezone },
  });
  const store = rt.executionStore;
  const retention = retentionOf(rt);
  const reconciler = new IndexReconciler(rt.redis, rt.keys, store.index, rt.tickets.statuses, (id) => store.find(id));
  const processor = stepProcessor({
    executions: rt.executionStore,
    templates: rt.templates,
    producer: rt.producer,
    log,
    loops: rt.loops,
    fire: (id, jobId) => rt.triggers.fire(id, jobId),
    taskEnded: (task) => rt.metrics.taskEnded(task),
    ended: (exec) => rt.approvals.closeForExecution(exec),
    ticketTimer: (job) => rt.approvals.onTimer(job),
    retention: async () => {
      const r = await retention.sweepAll();
      if (r.removed) log.info({ removed: r.removed }, 'retention removed finished executions');
      // i18n-exempt: a job's result, read in the queue dashboard by operators as they read log lines
      return r.archiveDown ? `removed ${r.removed}; waiting for the archive` : `removed ${r.removed}`;
    },
    reconcile: async () => {
      const r = await reconciler.run(RECONCILE_BUDGET_MS);
      if (r.repaired) log.info({ ...r }, 'index reconcile repaired entries');
      // i18n-exempt: a job's result, read in the queue dashboard by operators as they read log lines
      return r.busy ? 'another reconcile runs' : `checked ${r.checked}, repaired ${r.repaired}`;
    },
    callback: async (ticketId) => {
      await deliverCallback(await rt.approvals.get(ticketId), await secretOf(rt));
      return 'delivered';
    },
    deliver: async (ticketId, level) => {
      try {
        return await deliveries.deliver(ticketId, level);
      } catch (err) {
        if (!(err instanceof LaterError)) throw err;
        await rt.producer.deliver(ticketId, level, err.at);
        return 'later';
      }
    },
    ports: {
      approvals: rt.approvals,
      children: rt.executions.children,
      triggers: rt.triggers,
      fetch: globalThis.fetch,
      now: Date.now,
      webhook: {
        send: ({ uri, headers, content, secret, link }) =>
          sendWebhook(
            {
              uri,
              headers,
              secret,
              body: renderWebhookBody(content, { link: link?.startsWith('/') ? `${publicUrl}${link}` : link }),
            },
            { fetch: globalThis.fetch, now: Date.now },
          ),
      },
      cloud: rt.config.cloud
        ? createCloudClient({ ...rt.config.cloud, defaultRegion: rt.config.region })
        : {
            call: async () => {
              throw new ConfigError(msg('cli:cloudNotConfigured'));
            },
          },
    },
  });
  // A dead worker's jobs come back after one lock period; a job may stall a few times (each a
  // crash) before BullMQ gives up on it.
  // One BullMQ worker a shard of the steps queue, the concurrency shared out among them.
  const shards = rt.producer.shards.length;
  const worker = new ShardWorkers(
    rt.producer.shards.map(
      (_, n) =>
        new Worker<StepJob>(STEPS, processor, {
          connection: rt.queues,
          prefix: rt.keys.shardPrefix(n, shards),
          concurrency: Math.max(1, Math.ceil(concurrency / shards)),
          lockDuration: rt.config.lockMs,
          stalledInterval: rt.config.lockMs,
          maxStalledCount: MAX_STALLED_COUNT,
        }),
    ),
  );
  worker.on('failed', (job: Job<StepJob> | undefined, err: Error) => {
    const retrying = job !== undefined && willRetry(job, err);
    // A stalled-out loop item is queued anew below: worth a warning, not an error.
    const level = retrying ? 'debug' : job?.name === 'item' ? 'warn' : 'error';
    // i18n-exempt: a log line (its level chosen above)
    log[level]({ jobId: job?.id, err: err.message }, retrying ? 'step job will retry' : 'step job failed');
    if (job?.name === 'deliver' && !retrying) {
      const { ticketId } = job.data as StepJobs['deliver'];
      void rt.approvals
        .get(ticketId)
        .then((t) =>
          deliveries.recordFailure(
            t,
            t.spec.notify?.type ?? 'notification',
            err.message,
            err instanceof OpsgateError ? err.text : undefined,
          ),
        )
        .catch((e: Error) => {
          rt.metrics.notificationFailed('notification');
          log.error({ err: e.message, ticketId }, 'could not record a failed notification');
        });
      return;
    }
    if (job?.name === 'callback' && !retrying) rt.metrics.notificationFailed('callback');
    // A loop item that will not run again (it stalled out: workers died under it) is queued anew:
    // its loop counts it once, whichever run of it ends first.
    if (job?.name === 'item' && !retrying) {
      const { executionId, taskExecutionId, index } = job.data as StepJobs['item'];
      void rt.producer
        .item(executionId, taskExecutionId, index, `recover-${Date.now()}`)
        .catch((e: Error) => log.error({ err: e.message }, 'could not queue a loop item again'));
      return;
    }
    // A job that will not run again must not keep its execution: release it and resume it anew.
    const executionId = job && executionOf(job.data);
    if (job && !retrying && executionId)
      void rt.executionStore
        .release(executionId, job.id!)
        .then(async (released) => {
          if (released) await rt.producer.resume(executionId, 'recover', String(Date.now()));
        })
        .catch((e: Error) => log.error({ err: e.message }, 'could not release an execution'));
  });
  worker.on('error', (err: Error) => log.warn({ err: err.message }, 'step worker error'));
  rt.readiness.require('worker', () => worker.isRunning());
  // Every worker asks for the same scheduler: one reconcile per period; its first run indexes an older Redis.
  void rt.producer
    .scheduleReconcile(RECONCILE_EVERY_MS)
    .catch((err: Error) => log.error({ err: err.message }, 'could not schedule the index reconcile'));
  void rt.producer
    .scheduleRetention(sweepEveryMs(rt.config.retentionMs))
    .catch((err: Error) => log.error({ err: err.message }, 'could not schedule retention'));
  if (!rt.archive)
    log.info(
      { retention: rt.config.retentionMs },
      'no archive (OPSGATE_ARCHIVE_URL): finished executions older than the retention are deleted for good',
    );
  return worker;
}

/** The bot side's consumer of notifications: one at a time, so a run's messages keep their order. */
export function startNotifyWorker(rt: Runtime, dispatch: (job: NotifyJob) => Promise<void>): Worker<NotifyJob> {
  const { log } = rt;
  const worker = new Worker<NotifyJob>(NOTIFY, (job) => dispatch(job.data), {
    connection: rt.queues,
    prefix: rt.keys.bullPrefix,
    concurrency: 1,
  });
  worker.on('failed', (job, err) => {
    log.error({ jobId: job?.id, kind: job?.data.kind, err: err.message }, 'notification failed');
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
      void platformOf(rt, job.data).then(
        (p) => rt.metrics.notificationFailed(p),
        () => rt.metrics.notificationFailed('chat'),
      );
  });
  worker.on('error', (err) => log.warn({ err: err.message }, 'notify worker error'));
  return worker;
}

/** The chat platform a notification was for, by its execution's origin. */
async function platformOf(rt: Runtime, job: NotifyJob): Promise<string> {
  if (job.kind === 'chat-retry') return job.platform;
  const executionId = 'ticketId' in job ? await rt.tickets.executionOf(job.ticketId) : job.executionId;
  return (executionId && (await rt.executionStore.find(executionId))?.origin.platform) || 'chat';
}
