import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { statusMessageIn, taskMessageIn } from '../../src/engine/types.js';
import { ended, startOpsgate, type Opsgate } from '../support/harness.js';

// A loop that fails names the item that failed, through child runs and nested loops, and what
// failed there: a real worker, real Redis, real shell commands that exit 1 on one instance.

let og: Opsgate;
before(async () => {
  og = await startOpsgate({ env: { OPSGATE_TEMPLATES: 'test/fixtures/loop-failure' } });
});
after(() => og.close());

const start = (templateName: string) =>
  og.rt.executions.start({ templateName, parameters: {}, owner: 'alice', origin: { platform: 'api' } });

const CAUSE = 'the script exited with 1: InvokeStatus Failed, ErrorCode ExitCodeNonzero, ExitCode 1';

test('a command on three instances that fails on one names it and what it said', async () => {
  const e = await ended(og, (await start('bulky-run-command')).id, 30_000);
  assert.equal(e.status, 'Failed');
  assert.equal(
    e.statusMessage,
    `task runCommand failed: 1 of 3 items failed, more than MaxErrors 0 (first: i-2: ${CAUSE})`,
  );
  assert.deepEqual(e.tasks.runCommand!.loop, { Total: 3, Success: 2, Failed: 1 });
  assert.equal(
    statusMessageIn(e, 'zh-CN'),
    '任务 runCommand 失败：3 项中 1 项失败，超过 MaxErrors 0（首个失败：i-2：脚本退出码为 1：' +
      'InvokeStatus Failed, ErrorCode ExitCodeNonzero, ExitCode 1）',
  );
  assert.equal(taskMessageIn(e.tasks.runCommand!, 'en'), e.tasks.runCommand!.message);
  // The item's own record keeps the whole story (its child run's id included).
  const items = await og.rt.loops.items(e.id, e.tasks.runCommand!.taskExecutionId);
  const failed = items.filter((i) => i.status === 'Failed');
  assert.deepEqual(
    failed.map((i) => i.item),
    ['i-2'],
  );
  assert.match(failed[0]!.message!, new RegExp(`^child execution exec-\\w+ failed: task runCommand failed: ${CAUSE}$`));
});

test('a loop of instances, each a child run with a loop of disks: the items chain', async () => {
  const e = await ended(og, (await start('bulky-disks')).id, 30_000);
  assert.equal(e.status, 'Failed');
  assert.equal(
    e.statusMessage,
    `task eachInstance failed: 1 of 3 items failed, more than MaxErrors 0 (first: i-2 > disk-1: ${CAUSE})`,
  );
  assert.match(statusMessageIn(e, 'zh-CN')!, /（首个失败：i-2 > disk-1：脚本退出码为 1：/);
});
