import assert from 'node:assert/strict';
import { test } from 'node:test';
import { itemEnded, planLoop, resumeLoop, startLoop, type LoopState } from '../../src/engine/loop.js';
import {
  asItems,
  itemAfter,
  itemEndedAs,
  loopPlanOf,
  loopProgress,
  loopResult,
  newItem,
  rateControlOf,
  type ItemRecord,
} from '../../src/engine/loop-task.js';
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
  assert.deepEqual(loopPlanOf(new Array(1001).fill(0), {}, undefined), {
    error: 'Loop: 1001 items, more than the 1000 OOS allows',
  });
  const bad = loopPlanOf([1], { Mode: 'Sideways' }, undefined);
  assert.ok('error' in bad && bad.error === 'Loop: RateControl Mode must be Concurrency or Batch, got "Sideways"');
});

test('progress: items running wait with the execution Running; a batch pause waits for resume, which it uses', () => {
  const t = task();
  const start = startLoop(planLoop(4, { Mode: 'Batch', Batch: 2, BatchPauseOption: 'EveryBatchPause' })).state;
  assert.deepEqual(loopProgress(t, start, {}), {
    kind: 'wait',
    running: true,
    message: 'loop each: 0 of 4 items done',
  });
  const paused = ended(start, ['Success', 'Success']);
  assert.ok(paused.paused);
  assert.deepEqual(loopProgress(t, paused, {}), {
    kind: 'wait',
    running: false,
    message: 'loop each: batch 1 of 2 done, waiting for NotifyExecution to go on',
  });
  const go = loopProgress(t, paused, { resume: true });
  assert.equal(go.kind, 'resume');
  assert.equal(go.kind === 'resume' && go.message(resumeLoop(paused).state.batch), 'loop each: batch 2 running');
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
  assert.equal(r.kind === 'failed' && r.message, '1 of 2 items failed, more than MaxErrors 0 (first: ExitCode 1)');
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
