import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startStepWorker } from '../../src/bin/runtime.js';
import { Target } from '../fakes/target.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';

let og: Opsgate;
let target: Target;
before(async () => {
  target = await new Target().start();
  og = await startOpsgate({ worker: false });
});
after(async () => {
  await og.close();
  await target.stop();
});

const origin = { platform: 'console' as const, channel: 'console' };

test('a step that finds its execution held by another job retries instead of being lost', async () => {
  const exec = await og.rt.executions.start({
    templateName: 'two-approvals',
    parameters: { target: target.url },
    owner: 'alice',
    origin,
  });
  // Another runner holds it, as a job parking an execution does until it has saved it as Waiting.
  assert.ok(await og.rt.executionStore.save({ ...exec, status: 'Running' }, 'other-job'));
  const worker = startStepWorker(og.rt);
  try {
    const job = await until(async () => {
      const j = await og.rt.producer.steps.getJob(`start-${exec.id}`);
      return j && j.attemptsMade >= 1 && j;
    }, 'a first attempt');
    assert.equal((await og.rt.executionStore.get(exec.id)).status, 'Running');
    assert.ok(job);
    assert.ok(await og.rt.executionStore.save({ ...exec, status: 'Waiting' }, 'other-job'));
    const waiting = await until(async () => {
      const e = await og.rt.executionStore.get(exec.id);
      return e.tasks.approve?.status === 'Waiting' && e;
    }, 'the retried step to reach the approval');
    assert.ok(waiting.tasks.approve!.data!.ticketId);
  } finally {
    await worker.close();
  }
});

test('an execution without approvals runs to Success and computes its Outputs', async () => {
  const worker = startStepWorker(og.rt);
  try {
    const exec = await og.rt.executions.start({ templateName: 'no-approval', parameters: { count: '5' }, origin });
    const done = await until(async () => {
      const e = await og.rt.executionStore.get(exec.id);
      return e.status === 'Success' && e;
    }, 'Success');
    assert.deepEqual(done.outputs, { count: 5 });
    assert.deepEqual(
      Object.values(done.tasks).map((t) => t.status),
      ['Success', 'Success'],
    );
    assert.ok(
      Date.parse(done.tasks.nap!.endDate!) - Date.parse(done.tasks.nap!.startDate) >= 200,
      'the sleep lasted its Duration',
    );
  } finally {
    await worker.close();
  }
});
