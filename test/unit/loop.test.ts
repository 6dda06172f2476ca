import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  amount,
  itemEnded,
  planLoop,
  resumeLoop,
  startLoop,
  loopSucceeded,
  type LoopStep,
} from '../../src/engine/loop.js';

test('concurrency: starts N, one more as each ends, finishes when all ended', () => {
  let step: LoopStep = startLoop(planLoop(5, { Concurrency: 2 }));
  assert.deepEqual(step.start, [0, 1]);
  step = itemEnded(step.state, 1, 'Success');
  assert.deepEqual(step.start, [2]);
  assert.deepEqual(itemEnded(step.state, 1, 'Success').start, [], 'a repeated report starts nothing');
  for (const i of [0, 2]) step = itemEnded(step.state, i, 'Success');
  assert.deepEqual(step.state.running, [3, 4]);
  step = itemEnded(itemEnded(step.state, 3, 'Success').state, 4, 'Success');
  assert.ok(step.state.finished);
  assert.ok(loopSucceeded(step.state));
});

test('MaxErrors: once exceeded no item starts; the loop fails when running ones end', () => {
  let step = startLoop(planLoop(10, { Concurrency: 2, MaxErrors: 1 }));
  step = itemEnded(step.state, 0, 'Failed');
  assert.deepEqual(step.start, [2]);
  step = itemEnded(step.state, 1, 'Failed');
  assert.deepEqual(step.start, []);
  assert.ok(step.state.stopped && !step.state.finished);
  step = itemEnded(step.state, 2, 'Success');
  assert.ok(step.state.finished);
  assert.ok(!loopSucceeded(step.state));
});

test('percentages of the item count', () => {
  assert.equal(amount('50%', 5, 'x'), 3);
  assert.equal(amount('10%', 3, 'x'), 1);
  assert.equal(amount('0%', 3, 'x'), 0);
  assert.equal(amount(4, 3, 'x'), 4);
  assert.throws(() => amount('lots', 3, 'Concurrency'), /Concurrency must be a number or a percentage, got "lots"/);
  assert.deepEqual(planLoop(10, { Concurrency: '100%' }).batches, [{ start: 0, end: 10, concurrency: 10 }]);
});

test('batches run one after another, with their own concurrency; the last size repeats', () => {
  const plan = planLoop(7, { Mode: 'Batch', Batch: [1, '50%'], ConcurrencyInBatches: [1, 2] });
  assert.deepEqual(plan.batches, [
    { start: 0, end: 1, concurrency: 1 },
    { start: 1, end: 5, concurrency: 2 },
    { start: 5, end: 7, concurrency: 2 },
  ]);
  let step = startLoop(plan);
  assert.deepEqual(step.start, [0]);
  step = itemEnded(step.state, 0, 'Success');
  assert.deepEqual(step.start, [1, 2]);
});

test('FirstBatchPause waits after the first batch for a go-ahead', () => {
  let step = startLoop(planLoop(3, { Mode: 'Batch', Batch: [1, 2], BatchPauseOption: 'FirstBatchPause' }));
  step = itemEnded(step.state, 0, 'Success');
  assert.ok(step.state.paused);
  assert.deepEqual(step.start, []);
  step = resumeLoop(step.state);
  assert.deepEqual(step.start, [1, 2]);
  step = itemEnded(itemEnded(step.state, 1, 'Success').state, 2, 'Success');
  assert.ok(step.state.finished && !step.state.paused);
});

test('an empty loop is finished at once', () => {
  const step = startLoop(planLoop(0, {}));
  assert.ok(step.state.finished);
  assert.deepEqual(step.start, []);
});
