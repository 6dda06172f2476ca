import assert from 'node:assert/strict';
import { test } from 'node:test';
import { itemEnded, planLoop, resumeLoop, startLoop, type LoopState } from '../../src/engine/loop.js';
import {
  asItems,
  itemAfter,
  itemCancelled,
  itemEndedAs,
  loopPlanOf,
  loopProgress,
  loopResult,
  newItem,
  rateControlOf,
  failureChain,
  itemName,
  type ItemRecord,
} from '../../src/engine/loop-task.js';
import { said } from '../../src/engine/message.js';
import { msg, render } from '../../src/i18n/index.js';
import type { Task } from '../../src/template/schema.js';

// A loop task's decisions without Redis: what the driver answers at each point, what an item becomes.

const T0 = Date.parse('2026-01-01T00:00:00Z');
const task = (extra: Partial<Task> = {}): Task =>
  ({
    Name: 'each',
    Action: 'ACS::Sleep',
    Properties: {},
    Loop: {
      Items: [],
      Outputs: { ids: { AggregateField: 'id' }, n: { AggregateField: 'n', AggregateType: 'Fn::Sum' } },
    },
    ...extra,
  }) as Task;

const ended = (s: LoopState, statuses: ('Success' | 'Failed')[]): LoopState => {
  let state = s;
  statuses.forEach((st, i) => {
    state = itemEnded(state, i, st).state;
  });
  return state;
};

test('Items: a list, JSON text of one, a single value, or nothing', () => {
  assert.deepEqual(asItems(['a', 'b']), ['a', 'b']);
  assert.deepEqual(asItems('["i-1","i-2"]'), ['i-1', 'i-2']);
  assert.deepEqual(asItems('[not json'), ['[not json']);
  assert.deepEqual(asItems('i-1'), ['i-1']);
  assert.deepEqual(asItems(''), []);
  assert.deepEqual(asItems(null), []);
});

test('RateControl over the older fields on Loop; JSON text of a map is read', () => {
  const loop = { Items: [], Concurrency: 3, MaxErrors: 1 } as NonNullable<Task['Loop']>;
  assert.deepEqual(rateControlOf(loop, null), {
    Mode: undefined,
    Concurrency: 3,
    MaxErrors: 1,
    BatchPauseOption: undefined,
  });
  assert.equal(rateControlOf(loop, '{"Concurrency":5}').Concurrency, 5);
  assert.equal(rateControlOf(loop, { Concurrency: null }).Concurrency, 3, 'an absent field keeps the older one');
});

test('the plan, or why there is none: more than 1000 items, a bad RateControl', () => {
  assert.ok('plan' in loopPlanOf([1, 2], { Concurrency: 2 }, undefined));
  const many = loopPlanOf(new Array(1001).fill(0), {}, undefined);
  assert.ok('error' in many);
  assert.equal(many.error.message, 'Loop: 1001 items, more than the 1000 OOS allows');
  assert.equal(render(many.error.text!, 'zh-CN'), '循环 Loop 共 1001 项，超过 OOS 允许的 1000 项');
  const bad = loopPlanOf([1], { Mode: 'Sideways' }, undefined);
  assert.ok('error' in bad);
  assert.equal(bad.error.message, 'Loop: RateControl Mode must be Concurrency or Batch, got "Sideways"');
  assert.equal(
    render(bad.error.text!, 'zh-CN'),
    '循环 Loop 配置有误：RateControl Mode 必须是 Concurrency 或 Batch，当前为 "Sideways"',
  );
});

test('progress: items running wait with the execution Running; a batch pause waits for resume, which it uses', () => {
  const t = task();
  const start = startLoop(planLoop(4, { Mode: 'Batch', Batch: 2, BatchPauseOption: 'EveryBatchPause' })).state;
  const running = loopProgress(t, start, {});
  assert.deepEqual(running.kind === 'wait' && [running.running, running.message], [
    true,
    'loop each: 0 of 4 items done',
  ]);
  assert.equal(running.kind === 'wait' && render(running.text!, 'zh-CN'), '循环 each：已完成 0/4 项');
  const paused = ended(start, ['Success', 'Success']);
  assert.ok(paused.paused);
  const waits = loopProgress(t, paused, {});
  assert.deepEqual(waits.kind === 'wait' && [waits.running, waits.message], [
    false,
    'loop each: batch 1 of 2 done, waiting for NotifyExecution to go on',
  ]);
  const go = loopProgress(t, paused, { resume: true });
  assert.equal(go.kind, 'resume');
  assert.equal(
    go.kind === 'resume' && go.message(resumeLoop(paused).state.batch).message,
    'loop each: batch 2 running',
  );
});

test('result: Outputs aggregated (a list, Fn::Sum); failures beyond MaxErrors name the first', () => {
  const items: ItemRecord[] = [
    { ...newItem('te', 0, 'i-1', T0), status: 'Success', outputs: { id: 'i-1', n: 2 } },
    { ...newItem('te', 1, 'i-2', T0), status: 'Failed', message: 'ExitCode 1' },
  ];
  const done = ended(startLoop(planLoop(2, { Concurrency: 2, MaxErrors: 1 })).state, ['Success', 'Failed']);
  assert.deepEqual(loopResult(task(), done, items), {
    kind: 'success',
    outputs: { ids: ['i-1'], n: 2 },
    loop: { Total: 2, Success: 1, Failed: 1 },
  });
  const strict = ended(startLoop(planLoop(2, { Concurrency: 2 })).state, ['Success', 'Failed']);
  const r = loopResult(task(), strict, items);
  assert.equal(r.kind, 'failed');
  assert.equal(r.kind === 'failed' && r.message, '1 of 2 items failed, more than MaxErrors 0 (first: i-2: ExitCode 1)');
});

test("an item after its action: ended with the loop's status, or waiting (Retries, a child)", () => {
  const rec = newItem('te', 3, 'i-4', T0);
  assert.equal(rec.taskExecutionId, 'te-3');
  assert.equal(itemEndedAs(rec), undefined);
  const ok = itemAfter(task(), rec, { kind: 'success', outputs: { id: 'i-4' } }, T0 + 1000);
  assert.equal(ok.ended, 'Success');
  assert.deepEqual(ok.record.outputs, { id: 'i-4' });
  assert.equal(itemEndedAs(ok.record), 'Success');
  assert.equal(itemAfter(task(), rec, { kind: 'skipped' }, T0).ended, 'Success', 'a skipped item counts as done');
  const failed = itemAfter(task(), rec, { kind: 'failed', message: 'boom' }, T0);
  assert.deepEqual([failed.ended, failed.record.message], ['Failed', 'boom']);
  const retried = itemAfter(
    task({ Retries: 2, DelayType: 'Constant', Delay: 5 }),
    rec,
    { kind: 'failed', message: 'boom', retryable: true },
    T0,
  );
  assert.equal(retried.ended, undefined);
  assert.equal(retried.record.status, 'Waiting');
  assert.equal(retried.resumeAt, T0 + 5000);
  assert.equal(retried.record.message, 'retry 1 of 2 after: boom');
  const child = itemAfter(task(), rec, { kind: 'wait', message: 'waiting for child exec-1' }, T0);
  assert.deepEqual([child.ended, child.resumeAt, child.record.status], [undefined, undefined, 'Waiting']);
});

test('an item is named by its value, a map by its one key or its naming field, cut to 40 characters', () => {
  const long = 'i-'.padEnd(60, 'x');
  const table: [unknown, string][] = [
    ['i-2', 'i-2'],
    [7, '7'],
    [true, 'true'],
    [null, 'null'],
    [{ 'disk-1': { size: 40 } }, 'disk-1'],
    [{ InstanceId: 'i-9', RegionId: 'cn-hangzhou' }, 'i-9'],
    [{ instanceId: 'i-8', zone: 'a' }, 'i-8'],
    [{ Name: 'web', n: 3 }, 'web'],
    [{ a: 1, b: 2 }, '{"a":1,"b":2}'],
    [['x', 'y'], '["x","y"]'],
    ['', '#4'],
    [long, `${long.slice(0, 39)}…`],
    [{ a: long, b: 1 }, `${JSON.stringify({ a: long, b: 1 }).slice(0, 39)}…`],
  ];
  for (const [item, name] of table) assert.equal(itemName(item, 4), name, JSON.stringify(item));
  assert.equal(itemName(long, 0).length, 40);
});

test('a failure is traced through child executions and nested loops to the item and what failed there', () => {
  const boom = said('actions:scriptExitedSaying', { code: '1', stderr: 'ErrorCode: ExitCodeNonzero' });
  const inner = said('engine:loopFailedAt', { failed: 1, total: 2, maxErrors: 0, item: 'disk-1', cause: boom.text });
  const child = said('engine:taskFailed', { task: 'eachDisk', cause: inner.text });
  const item = said('actions:childFailed', { id: 'exec-1', cause: child.text });
  const table: [string, Parameters<typeof failureChain>[0], string[], string][] = [
    ['a plain failure is its own cause', boom, [], boom.message],
    [
      'a task failure is what failed in the task',
      said('engine:taskFailed', { task: 't', cause: boom.text }),
      [],
      boom.message,
    ],
    ['a child whose loop failed names the item', item, ['disk-1'], boom.message],
    ['an older record without text', { message: 'child execution e failed: x' }, [], 'child execution e failed: x'],
    [
      'a child that failed without a message',
      said('actions:childFailedBare', { id: 'e' }),
      [],
      'child execution e failed',
    ],
  ];
  for (const [what, failure, path, cause] of table) {
    const chain = failureChain(failure);
    assert.deepEqual(chain.path, path, what);
    assert.equal(typeof chain.cause === 'string' ? chain.cause : render(chain.cause, 'en'), cause, what);
  }

  // The loop of instances over it: `i-2 > disk-1: ...`, in either language.
  const items: ItemRecord[] = [
    { ...newItem('te', 0, 'i-1', T0), status: 'Success' },
    { ...newItem('te', 1, 'i-2', T0), status: 'Failed', ...item },
    { ...newItem('te', 2, 'i-3', T0), status: 'Success' },
  ];
  const done = ended(startLoop(planLoop(3, { Concurrency: 3 })).state, ['Success', 'Failed', 'Success']);
  const r = loopResult(task(), done, items);
  assert.ok(r.kind === 'failed');
  assert.equal(
    r.message,
    '1 of 3 items failed, more than MaxErrors 0 ' +
      '(first: i-2 > disk-1: the script exited with 1: ErrorCode: ExitCodeNonzero)',
  );
  assert.equal(
    render(r.text!, 'zh-CN'),
    '3 项中 1 项失败，超过 MaxErrors 0（首个失败：i-2 > disk-1：脚本退出码为 1：ErrorCode: ExitCodeNonzero）',
  );
  // One level up again (this loop's run is itself a child's failure in a loop of regions).
  const outer = said('actions:childFailed', {
    id: 'exec-2',
    cause: msg('engine:taskFailed', { task: 'each', cause: r.text }),
  });
  assert.deepEqual(failureChain(outer).path, ['i-2 > disk-1']);
});

test('an item a run ended first says so in the reader language', () => {
  const rec = itemCancelled(newItem('te', 0, 'i-1', T0), 'Cancelled', T0);
  assert.equal(rec.message, 'execution Cancelled');
  assert.equal(render(rec.text!, 'zh-CN'), '执行已取消');
});
