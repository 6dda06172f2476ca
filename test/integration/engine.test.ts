import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Execution } from '../../src/engine/types.js';
import { Target } from '../fakes/target.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';

const origin = { platform: 'api' as const };

describe('the engine runs every OOS control structure', () => {
  let og: Opsgate;
  let target: Target;
  before(async () => {
    target = await new Target().start();
    og = await startOpsgate({ env: { OPSGATE_TEMPLATES: 'test/fixtures/engine' } });
  });
  after(async () => {
    await og.close();
    await target.stop();
  });

  const start = async (
    templateName: string,
    parameters: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
  ) => {
    const takesBase = 'base' in (await og.rt.templates.runnable(templateName)).template.Parameters;
    return og.rt.executions.start({
      templateName,
      parameters: { ...(takesBase ? { base: target.base } : {}), ...parameters },
      owner: 'alice',
      origin,
      ...extra,
    });
  };
  const settled = (id: string, status = ['Success', 'Failed', 'Cancelled'], ms = 15_000) =>
    until(
      async () => {
        const e = await og.rt.executionStore.get(id);
        return status.includes(e.status) && e;
      },
      `${id} to be ${status.join('/')}`,
      ms,
    );
  const statuses = (e: Execution) => Object.fromEntries(Object.entries(e.tasks).map(([k, t]) => [k, t.status]));
  const paths = () => target.hits.map((h) => h.path);

  test('When false skips; OnError leads on; OnSuccess ACS::END stops', async () => {
    const before = target.hits.length;
    const e = await settled((await start('when-and-jumps')).id);
    assert.equal(e.status, 'Success');
    assert.deepEqual(statuses(e), { backup: 'Skipped', deploy: 'Failed', rollback: 'Success' });
    assert.deepEqual(paths().slice(before), ['/fail', '/rollback']);
  });

  test('a failure without OnError fails the execution with the reason', async () => {
    const e = await settled((await start('retries', { key: 'never', failures: 99 })).id, undefined, 30_000);
    assert.equal(e.status, 'Failed');
    assert.match(
      e.statusMessage!,
      /^task flaky failed: POST http:\/\/127\.0\.0\.1:\d+\/flaky\/never\/99 answered 503$/,
    );
    assert.equal(target.hitsTo('/flaky/never').length, 4, 'one try and three retries');
  });

  test('Retries run the task again until it succeeds', async () => {
    const e = await settled((await start('retries', { key: 'twice', failures: 2 })).id);
    assert.equal(e.status, 'Success');
    assert.equal(target.hitsTo('/flaky/twice').length, 3);
  });

  test('ACS::Choice goes where the first true When says, else to DefaultTask', async () => {
    for (const [os, expected] of [
      ['linux', 'linux'],
      ['windows', 'windows'],
      ['other', 'other'],
    ]) {
      const e = await settled((await start('choice', { osType: os })).id);
      assert.equal(e.status, 'Success');
      assert.deepEqual(Object.keys(e.tasks), ['pick', expected]);
    }
  });

  test('ACS::Pause waits, holding no worker, until it is told to go on', async () => {
    const exec = await start('pause');
    const waiting = await settled(exec.id, ['Waiting']);
    assert.equal(waiting.tasks.hold!.status, 'Waiting');
    await og.rt.executions.signal(exec.id, 'resume');
    const e = await settled(exec.id);
    assert.equal(e.status, 'Success');
    assert.deepEqual(statuses(e), { hold: 'Success', go: 'Success' });
  });

  test('a loop over maps runs every item at its concurrency and aggregates in item order', async () => {
    const e = await settled((await start('loop')).id);
    assert.equal(e.status, 'Success', e.statusMessage);
    assert.deepEqual(e.outputs, { names: ['a', 'b', 'c', 'd', 'e'], total: 15 });
    assert.deepEqual(e.tasks.touch!.loop, { Total: 5, Success: 5, Failed: 0 });
    const items = await og.rt.executionStore.taskRecords(e.id);
    assert.equal(items.length, 1);
  });

  test('MaxErrors: within it the loop succeeds; past it no more items start and the loop fails', async () => {
    const ok = await settled((await start('loop-errors', { paths: ['/e1', '/fail', '/e2'], maxErrors: '1' })).id);
    assert.equal(ok.status, 'Success');
    assert.deepEqual(ok.tasks.each!.loop, { Total: 3, Success: 2, Failed: 1 });
    const before = target.hits.length;
    const bad = await settled(
      (await start('loop-errors', { paths: ['/fail', '/fail', '/x1', '/x2'], maxErrors: '1' })).id,
    );
    assert.equal(bad.status, 'Failed');
    assert.match(bad.statusMessage!, /2 of 4 items failed, more than MaxErrors 1/);
    assert.deepEqual(paths().slice(before), ['/fail', '/fail'], 'no item started once MaxErrors was exceeded');
    const pct = await settled(
      (await start('loop-errors', { paths: ['/fail', '/p1', '/p2', '/p3'], maxErrors: '25%' })).id,
    );
    assert.equal(pct.status, 'Success');
  });

  test('batches: the first batch, a pause, then the rest at their concurrency', async () => {
    const before = target.hits.length;
    const exec = await start('loop-batches');
    const waiting = await settled(exec.id, ['Waiting']);
    assert.match(waiting.statusMessage!, /batch 1 of 3 done, waiting for NotifyExecution/);
    assert.deepEqual(paths().slice(before), ['/roll/1']);
    await og.rt.executions.signal(exec.id, 'resume');
    const e = await settled(exec.id);
    assert.equal(e.status, 'Success');
    assert.deepEqual(paths().slice(before).sort(), ['/roll/1', '/roll/2', '/roll/3', '/roll/4', '/roll/5']);
  });

  test('ACS::Template and an action named after a template run as child executions', async () => {
    const e = await settled((await start('parent')).id);
    assert.equal(e.status, 'Success', e.statusMessage);
    assert.deepEqual(e.outputs, { echoed: 'hello', all: ['hello-again', 'hello-again'] });
    const children = await og.rt.executionStore.children(e.id);
    assert.equal(children.length, 3);
    for (const id of children) {
      const c = await og.rt.executionStore.get(id);
      assert.equal(c.status, 'Success');
      assert.equal(c.parent!.executionId, e.id);
    }
  });

  test('cancelling a parent cancels its children', async () => {
    const exec = await start('waits-for-child');
    const [childId] = await until(async () => {
      const c = await og.rt.executionStore.children(exec.id);
      return c.length === 1 && c;
    }, 'the child');
    await settled(childId!, ['Waiting']);
    await og.rt.executions.cancel(exec.id);
    assert.equal((await settled(exec.id)).status, 'Cancelled');
    assert.equal((await settled(childId!)).status, 'Cancelled');
  });

  test('FailurePause: a failed task waits for RetryTask or SkipTask', async () => {
    const exec = await start('flaky-once', { key: 'fp', failures: 1 }, { mode: 'FailurePause' });
    const waiting = await settled(exec.id, ['Waiting']);
    assert.match(waiting.statusMessage!, /waiting for RetryTask or SkipTask/);
    await og.rt.executions.signal(exec.id, 'retry');
    assert.equal((await settled(exec.id)).status, 'Success');
    const skipped = await start('when-and-jumps', {}, { mode: 'FailurePause' });
    const e = await settled(skipped.id);
    assert.equal(e.status, 'Success', 'OnError still leads on in FailurePause');
    const exec2 = await start('flaky-once', { key: 'fp2', failures: 9 }, { mode: 'FailurePause' });
    await settled(exec2.id, ['Waiting']);
    await og.rt.executions.signal(exec2.id, 'skip');
    const s = await settled(exec2.id);
    assert.equal(s.status, 'Success');
    assert.equal(s.tasks.flaky!.status, 'Skipped');
    assert.equal(s.tasks.after!.status, 'Success');
  });

  test('Debug: each task waits for ExecuteTask', async () => {
    const exec = await start('pause', {}, { mode: 'Debug' });
    let e = await settled(exec.id, ['Waiting']);
    assert.match(e.statusMessage!, /Debug: waiting for ExecuteTask \(next: hold\)/);
    await og.rt.executions.signal(exec.id, 'execute', { TaskName: 'go' });
    e = await settled(exec.id, ['Success', 'Waiting']);
    await until(async () => (await og.rt.executionStore.get(exec.id)).tasks.go?.status === 'Success', 'go to run');
    e = await settled(exec.id, ['Success']);
    assert.deepEqual(Object.keys(e.tasks), ['go']);
  });

  test('Opsgate::RunShellScript: references are quoted, output captured, the timeout enforced', async () => {
    const e = await settled((await start('shell', { name: "x'; touch /tmp/opsgate-pwned; echo '" })).id);
    assert.equal(e.status, 'Failed');
    assert.equal(e.tasks.greet!.outputs!.out, "hello x'; touch /tmp/opsgate-pwned; echo '");
    assert.match(e.statusMessage!, /task slow failed: the script did not end within 0.3 s/);
  });
});
