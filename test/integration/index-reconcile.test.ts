import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RECONCILE_EVERY_MS } from '../../src/bin/runtime.js';
import { made } from '../support/executions.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';
import { INDEX_VERSION } from '../../src/store/execution-index.js';

describe('the index reconcile as a worker runs it', () => {
  let og: Opsgate;
  before(async () => {
    og = await startOpsgate();
  });
  after(async () => {
    await og.close();
  });

  test('a job scheduler on the steps queue; its first run at start marks the indexes complete', async () => {
    const { redis, keys, producer } = og.rt;
    const schedulers = await producer.steps.getJobSchedulers();
    // Beside retention's sweep (every tenth of OPSGATE_RETENTION, at most an hour).
    assert.deepEqual(schedulers.map((s) => [s.key, s.name, s.every]).sort(), [
      ['index-reconcile', 'reconcile', RECONCILE_EVERY_MS],
      ['retention', 'retention', 3_600_000],
    ]);
    await until(async () => (await redis.hget(keys.indexState, 'version')) === INDEX_VERSION, 'the first pass');
  });

  test('executions an older opsgate left (documents and `all` only) are indexed by a reconcile job', async () => {
    const { redis, keys, executionStore: store, producer } = og.rt;
    const old = Array.from({ length: 40 }, (_, i) => made(i, { status: i % 4 ? 'Success' : 'Failed', owner: 'old' }));
    for (const e of old) {
      await redis.hset(keys.execution(e.id), 'status', e.status, 'runner', '');
      await redis.set(keys.executionDoc(e.id), JSON.stringify(e));
      await redis.zadd(keys.executionIndex, Date.parse(e.createDate), e.id);
    }
    assert.equal(await redis.zcard(keys.executionsByOwner('old')), 0);
    await producer.steps.add('reconcile', {}, { jobId: 'reconcile-now' });
    await until(async () => (await redis.zcard(keys.executionsByOwner('old'))) === 40, 'the old runs indexed');
    assert.equal((await store.index.statusCounts()).get('Failed'), 10);
    const page = await store.list({ filter: { owner: 'old', status: 'Failed' }, keep: () => true, limit: 50 });
    assert.deepEqual(
      page.items.map((e) => e.id),
      old
        .filter((e) => e.status === 'Failed')
        .reverse()
        .map((e) => e.id),
    );
  });
});
