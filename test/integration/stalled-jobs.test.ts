import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { willRetry } from '../../src/queue/will-retry.js';
import { deletePrefix } from '../../src/store/redis.js';
import { createRuntime, startStepWorker } from '../../src/bin/runtime.js';
import { loadConfig } from '../../src/bin/config.js';
import { createLogger } from '../../src/log.js';
import { REDIS_URL, until } from '../support/harness.js';

// A job whose worker dies holding it stalls; past maxStalledCount BullMQ fails it for good. That is
// recognised from the job's attempt data, with real BullMQ on real Redis, not from failedReason.

const prefix = `ogt-stalled-${randomBytes(5).toString('hex')}`;
const LOCK_MS = 300;
let redis: Redis;
const closers: (() => Promise<void>)[] = [];
before(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});
after(async () => {
  for (const close of closers.reverse()) await close();
  await deletePrefix(redis, `*${prefix}*`);
  redis.disconnect();
});

function failedOnce(worker: Worker<unknown, void>): Promise<{ job: Job; err: Error }> {
  return new Promise((resolve) =>
    worker.once('failed', (job, err) => {
      if (job) resolve({ job, err });
    }),
  );
}

test('a job stalled past maxStalledCount will not retry, with attempts left; a plain failure will', async () => {
  const queue = new Queue('steps', { connection: redis, prefix });
  closers.push(() => queue.close());
  await queue.add('step', {}, { attempts: 3, jobId: 'stalls' });

  // The dying worker: takes the job and holds it, never renewing its lock, as a killed process would.
  const dying = new Worker('steps', null, { connection: redis, prefix, autorun: false, lockDuration: LOCK_MS });
  closers.push(() => dying.close(true));
  const held = await dying.getNextJob('dead-token');
  assert.equal(held?.id, 'stalls');

  // A live worker's stalled checker finds it; with maxStalledCount 0 the first stall is one too many.
  const live = new Worker<unknown, void>(
    'steps',
    async () => {
      throw new Error('runs');
    },
    {
      connection: redis,
      prefix,
      lockDuration: LOCK_MS,
      stalledInterval: LOCK_MS,
      maxStalledCount: 0,
    },
  );
  closers.push(() => live.close());
  const stalled = new Promise<string>((resolve) => live.once('stalled', (id) => resolve(id)));
  const { job, err } = await failedOnce(live);
  assert.equal(await stalled, 'stalls');
  assert.equal(job.id, 'stalls');
  assert.equal(job.stalledCounter, 1);
  assert.ok(job.attemptsMade < (job.opts.attempts ?? 1), 'attempts alone would say it retries');
  assert.equal(willRetry(job, err, 0), false);
  assert.equal(await job.getState(), 'failed');

  // A job that fails in its processor, with attempts left, is retried.
  await queue.add('step', {}, { attempts: 3, jobId: 'fails' });
  const plain = await failedOnce(live);
  assert.equal(plain.job.id, 'fails');
  assert.equal(plain.job.stalledCounter, 0);
  assert.equal(willRetry(plain.job, plain.err, 0), true);
});

test('a loop item that stalled out is queued anew, so its loop (and execution) still ends', async () => {
  const config = loadConfig({
    REDIS_URL,
    OPSGATE_KEY_PREFIX: `${prefix}-item`,
    OPSGATE_TEMPLATES: 'test/fixtures/runbooks',
    LOG_LEVEL: 'silent',
  });
  const rt = createRuntime(config, REDIS_URL, createLogger('silent'));
  const worker = startStepWorker(rt);
  await worker.pause();
  closers.push(async () => {
    await worker.close();
    await deletePrefix(rt.redis, `*${prefix}-item*`);
    await rt.close();
  });
  // What BullMQ hands the failed listener for an item job it failed for good after too many stalls.
  const job = {
    id: 'item-x',
    name: 'item',
    data: { executionId: 'exec-1', taskExecutionId: 'task-exec-1', index: 3 },
    attemptsMade: 1,
    stalledCounter: 6,
    opts: { attempts: 12 },
  };
  worker.emit(
    'failed',
    job as unknown as Job,
    new UnrecoverableError('job stalled more than allowable limit'),
    'active',
  );
  const again = await until(
    async () => (await rt.producer.steps.getJobs(['wait', 'waiting', 'prioritized'])).find((j) => j.name === 'item'),
    'the item queued again',
  );
  assert.deepEqual(again.data, job.data);
  assert.match(again.id!, /^item-exec-1-task-exec-1-3-recover-\d+$/);
});
