import { existsSync } from 'node:fs';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/env.js';
import { createCloudClient } from '../cloud/client.js';
import { Directory } from '../config/directory.js';
import { Approvals } from '../core/approvals.js';
import { Executions } from '../core/executions.js';
import { Triggers } from '../core/triggers.js';
import type { Logger } from '../log.js';
import { NOTIFY, Producer, STEPS, type NotifyJob, type StepJob } from '../queue/producer.js';
import { stepProcessor } from '../queue/processor.js';
import { ExecutionStore } from '../store/executions.js';
import { LoopStore } from '../store/loops.js';
import { keys as buildKeys, type Keys } from '../store/keys.js';
import { connect } from '../store/redis.js';
import { TemplateStore } from '../store/templates.js';
import { TicketStore } from '../store/tickets.js';

/** The parts both processes are built from; composition only, no decisions. */
export interface Runtime {
  config: Config;
  log: Logger;
  redis: Redis;
  keys: Keys;
  directory: Directory;
  templates: TemplateStore;
  executionStore: ExecutionStore;
  tickets: TicketStore;
  producer: Producer;
  approvals: Approvals;
  executions: Executions;
  triggers: Triggers;
  close(): Promise<void>;
}

export function loadDirectory(config: Config): Directory {
  const file = config.directoryFile ?? (existsSync('directory.yaml') ? 'directory.yaml' : undefined);
  return file ? Directory.load(file) : new Directory();
}

export function createRuntime(config: Config, redisUrl: string, log: Logger): Runtime {
  const redis = connect(redisUrl);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const keys = buildKeys(config.keyPrefix);
  const directory = loadDirectory(config);
  const templates = new TemplateStore(redis, keys);
  const executionStore = new ExecutionStore(redis, keys);
  const tickets = new TicketStore(redis, keys);
  const producer = new Producer(redis, keys);
  const approvals = new Approvals(tickets, directory, producer);
  const executions = new Executions(templates, executionStore, producer, config.region);
  const triggers = new Triggers(executions, executionStore, templates, producer);
  return {
    config, log, redis, keys, directory, templates, executionStore, tickets, producer, approvals, executions, triggers,
    async close() {
      await producer.close();
      redis.disconnect();
    },
  };
}

/** The BullMQ worker that runs executions. Any number of these may share one Redis. */
export function startStepWorker(rt: Runtime, concurrency = 10): Worker<StepJob> {
  const processor = stepProcessor({
    executions: rt.executionStore, templates: rt.templates, producer: rt.producer, log: rt.log, loops: new LoopStore(rt.redis, rt.keys),
    fire: (id, jobId) => rt.triggers.fire(id, jobId),
    ports: {
      approvals: rt.approvals, children: rt.executions.children, triggers: rt.triggers, fetch: globalThis.fetch, now: Date.now,
      cloud: rt.config.cloud
        ? createCloudClient({ ...rt.config.cloud, defaultRegion: rt.config.region })
        : { call: async () => { throw new Error('Alibaba Cloud is not configured: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET'); } },
    },
  });
  const worker = new Worker<StepJob>(STEPS, processor, { connection: rt.redis, prefix: rt.keys.bullPrefix, concurrency });
  worker.on('failed', (job, err) => {
    const retrying = job && job.attemptsMade < (job.opts.attempts ?? 1);
    rt.log[retrying ? 'debug' : 'error']({ jobId: job?.id, err: err.message }, retrying ? 'step job will retry' : 'step job failed');
  });
  worker.on('error', (err) => rt.log.warn({ err: err.message }, 'step worker error'));
  return worker;
}

/** The bot side's consumer of notifications: one at a time, so a run's messages keep their order. */
export function startNotifyWorker(rt: Runtime, dispatch: (job: NotifyJob) => Promise<void>): Worker<NotifyJob> {
  const worker = new Worker<NotifyJob>(NOTIFY, (job) => dispatch(job.data), { connection: rt.redis, prefix: rt.keys.bullPrefix, concurrency: 1 });
  worker.on('failed', (job, err) => rt.log.error({ jobId: job?.id, kind: job?.data.kind, err: err.message }, 'notification failed'));
  worker.on('error', (err) => rt.log.warn({ err: err.message }, 'notify worker error'));
  return worker;
}
