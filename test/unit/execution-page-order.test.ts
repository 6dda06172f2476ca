import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runOrder } from '../../src/http/pages/execution-data.js';

const T = '2026-03-01T10:00:00.000Z';
const LATER = '2026-03-01T10:00:00.005Z';

describe('the order of an execution page’s task runs', () => {
  test('runs of one millisecond: the one that ended first, then the template’s order, never the random id', () => {
    const place = new Map([
      ['check', 0],
      ['skipMe', 1],
      ['deploy', 2],
    ]);
    // Ids that sort against the order the tasks ran in.
    const deploy = { name: 'deploy', taskExecutionId: 'exec-task-0001', startDate: T, endDate: T };
    const skipped = { name: 'skipMe', taskExecutionId: 'exec-task-ffff', startDate: T, endDate: T };
    const check = { name: 'check', taskExecutionId: 'exec-task-eeee', startDate: T, endDate: T };
    const ordered = runOrder([deploy, skipped, check], place, new Set([deploy, skipped, check]));
    assert.deepEqual(
      ordered.map((r) => r.name),
      ['check', 'skipMe', 'deploy'],
    );
  });

  test('a task retried within the millisecond it failed: the failed run first, the current run after it', () => {
    const place = new Map([['flaky', 0]]);
    const failed = { name: 'flaky', taskExecutionId: 'exec-task-ffff', startDate: T, endDate: T };
    const retried = { name: 'flaky', taskExecutionId: 'exec-task-0000', startDate: T, endDate: T };
    // However the stored runs come back (a Redis hash has no order), the current one is last.
    for (const given of [
      [failed, retried],
      [retried, failed],
    ]) {
      const ordered = runOrder(given, place, new Set([retried]));
      assert.deepEqual(
        ordered.map((r) => r.taskExecutionId),
        ['exec-task-ffff', 'exec-task-0000'],
      );
    }
  });

  test('a run still going sorts after one that ended in its millisecond; later starts after earlier', () => {
    const place = new Map([
      ['a', 0],
      ['b', 1],
    ]);
    const waiting = { name: 'a', taskExecutionId: 'x1', startDate: T };
    const done = { name: 'b', taskExecutionId: 'x2', startDate: T, endDate: T };
    const after = { name: 'a', taskExecutionId: 'x0', startDate: LATER };
    assert.deepEqual(
      runOrder([after, waiting, done], place, new Set([waiting])).map((r) => r.taskExecutionId),
      ['x2', 'x1', 'x0'],
    );
  });
});
