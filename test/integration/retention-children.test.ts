import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { archiveSchemaOf, retentionOf, startStepWorker } from '../../src/bin/runtime.js';
import { Target } from '../fakes/target.js';
import { ended, startOpsgate, until, type Opsgate } from '../support/harness.js';
import { dropSchema, postgresForTests } from '../support/postgres.js';

/**
 * Retention and child executions: a child its parent waits for leaves Redis with its parent, never
 * before (the parent reads the child's end when it resumes, and lists it); a trigger's detached
 * children leave on their own.
 */
const DAY = 24 * 3600 * 1000;
const origin = { platform: 'api' as const };

describe('retention and child executions', () => {
  let og: Opsgate;
  before(async () => {
    og = await startOpsgate({
      worker: false,
      env: { OPSGATE_TEMPLATES: 'test/fixtures/engine', OPSGATE_RETENTION: 'P1D' },
    });
  });
  after(() => og?.close());

  const sweepAll = () => retentionOf(og.rt, { now: () => Date.now() + 2 * DAY }).sweepAll();

  test('a child that ended stays while its parent has not yet read its end', async () => {
    const worker = startStepWorker(og.rt);
    let resumed: ReturnType<typeof startStepWorker> | undefined;
    try {
      const parent = await og.rt.executions.start({ templateName: 'waits-for-child', parameters: {}, origin });
      const [childId] = await until(async () => {
        const c = await og.rt.executionStore.children(parent.id);
        return c.length === 1 && c;
      }, 'the child');
      await until(async () => (await og.rt.executionStore.get(childId!)).status === 'Waiting', 'the child to pause');
      // No worker: the child's end queues the parent's resume, which waits (a busy or a down worker).
      await worker.close();
      await og.rt.executions.cancel(childId!);
      assert.equal((await og.rt.executionStore.get(parent.id)).status, 'Waiting');

      await sweepAll();
      assert.equal((await og.rt.executionStore.find(childId!))?.status, 'Cancelled', 'the child stays');

      resumed = startStepWorker(og.rt);
      const done = await ended(og, parent.id);
      assert.equal(done.status, 'Failed');
      assert.match(done.statusMessage ?? '', /was cancelled/, 'the parent read the child, not its absence');
      assert.equal((await sweepAll()).removed, 2, 'then both leave');
      assert.equal(await og.rt.executionStore.find(childId!), undefined);
      assert.equal(await og.rt.executionStore.find(parent.id), undefined);
    } finally {
      await worker.close();
      await resumed?.close();
    }
  });
});

const pgFound = await postgresForTests();

describe('retention and child executions, archived', () => {
  let og: Opsgate;
  let target: Target;
  let url: string;
  before(async () => {
    url = pgFound.url;
    target = await new Target().start();
    og = await startOpsgate({
      env: { OPSGATE_TEMPLATES: 'test/fixtures/engine', OPSGATE_ARCHIVE_URL: url, OPSGATE_RETENTION: 'P1D' },
    });
  });
  after(async () => {
    await og?.close();
    if (og) await dropSchema(url, archiveSchemaOf(og.prefix));
    await target?.stop();
  });

  test('an archived parent lists the children it had', async () => {
    const parent = await og.rt.executions.start({
      templateName: 'parent',
      parameters: { base: target.base },
      origin,
    });
    assert.equal((await ended(og, parent.id)).status, 'Success');
    // ACS::Template's child, then ACS::Test::Echo's for each of two loop items.
    const children = (await og.rt.history.children(parent.id)).sort();
    assert.equal(children.length, 3);
    // The children ended first: the oldest in retention's order.
    assert.equal((await retentionOf(og.rt, { now: () => Date.now() + 2 * DAY }).sweepAll()).removed, 4);
    assert.equal(await og.rt.executionStore.find(parent.id), undefined, 'the parent left Redis');
    assert.deepEqual((await og.rt.history.children(parent.id)).sort(), children);
    for (const id of children) assert.equal((await og.rt.history.find(id))?.status, 'Success', id);
  });
});
