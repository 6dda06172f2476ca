import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOutcome, nextTask, startTask } from '../../src/engine/advance.js';
import { parseDuration } from '../../src/engine/actions/sleep.js';
import { canTransition, isTerminal, sourcesOf } from '../../src/engine/status.js';
import type { Execution } from '../../src/engine/types.js';
import { parseRunnable as parseTemplate } from '../../src/engine/parse.js';

const { template } = parseTemplate(`FormatVersion: OOS-2019-06-01
Tasks:
  - Name: a
    Action: ACS::Sleep
    Properties: { Duration: PT1S }
    OnError: c
  - Name: b
    Action: ACS::Sleep
    Properties: { Duration: PT1S }
    OnSuccess: ACS::END
  - Name: c
    Action: ACS::Sleep
    Properties: { Duration: PT1S }
    OnSuccess: b
`);
const task = (n: string) => template.Tasks.find((t) => t.Name === n)!;
const t0 = '2026-01-01T00:00:00Z';
const fresh: Execution = {
  id: 'exec-1',
  templateName: 't',
  templateVersion: 'v1',
  parameters: {},
  status: 'Running',
  tasks: {},
  origin: { platform: 'cli' },
  mode: 'Automatic',
  createDate: t0,
  updateDate: t0,
};

test('tasks run in list order; OnSuccess jumps; ACS::END ends with Success', () => {
  assert.equal((nextTask(template, fresh) as { task: { Name: string } }).task.Name, 'a');
  let e = applyOutcome(
    template,
    startTask(fresh, task('a'), t0, 'task-exec-1'),
    task('a'),
    { kind: 'success', outputs: { x: 1 } },
    t0,
  );
  assert.equal(e.current, 'b');
  assert.deepEqual(e.tasks.a!.outputs, { x: 1 });
  e = applyOutcome(template, startTask(e, task('b'), t0, 'te-b'), task('b'), { kind: 'success', outputs: {} }, t0);
  assert.equal(e.status, 'Success');
  assert.equal(e.endDate, t0);
});

test('OnError leads on; without it a failure fails the execution', () => {
  const e = applyOutcome(
    template,
    startTask(fresh, task('a'), t0, 'te-a'),
    task('a'),
    { kind: 'failed', message: 'boom' },
    t0,
  );
  assert.equal(e.status, 'Running');
  assert.equal(e.current, 'c');
  assert.equal(e.tasks.a!.status, 'Failed');
  const f = applyOutcome(
    template,
    startTask(e, task('c'), t0, 'te-c'),
    task('c'),
    { kind: 'failed', message: 'again' },
    t0,
  );
  assert.equal(f.status, 'Failed');
  assert.equal(f.statusMessage, 'task c failed: again');
});

test('a wait parks the execution at its task; a cancel ends it Cancelled', () => {
  const w = applyOutcome(
    template,
    startTask(fresh, task('a'), t0, 'te-a'),
    task('a'),
    { kind: 'wait', message: 'waiting for approval 7', data: { ticketId: '7' } },
    t0,
  );
  assert.equal(w.status, 'Waiting');
  assert.equal(w.current, 'a');
  assert.deepEqual(w.tasks.a!.data, { ticketId: '7' });
  const resumed = startTask(w, task('a'), t0, 'task-exec-2');
  assert.deepEqual(resumed.tasks.a!.data, { ticketId: '7' }, 'a resumed task keeps what it waited with');
  const c = applyOutcome(template, resumed, task('a'), { kind: 'cancel', message: 'rejected' }, t0);
  assert.equal(c.status, 'Cancelled');
  assert.equal(c.tasks.a!.status, 'Cancelled');
});

test('the transition table: ended executions stay ended', () => {
  assert.ok(canTransition('Queued', 'Running'));
  assert.ok(canTransition('Waiting', 'Running'));
  assert.ok(!canTransition('Success', 'Running'));
  assert.ok(!canTransition('Cancelled', 'Running'));
  assert.ok(!canTransition('Queued', 'Success'));
  assert.deepEqual(sourcesOf('Running'), ['Queued', 'Running', 'Waiting']);
  assert.deepEqual(sourcesOf('Success'), ['Running', 'Waiting']);
  assert.ok(isTerminal('Failed') && !isTerminal('Waiting'));
});

test('durations as OOS writes them', () => {
  assert.equal(parseDuration('PT10S'), 10_000);
  assert.equal(parseDuration('PT1M30S'), 90_000);
  assert.equal(parseDuration('P1DT1H'), 90_000_000);
  assert.equal(parseDuration(5), 5000);
  assert.equal(parseDuration('1S'), 1000);
  assert.equal(parseDuration('1m'), 60_000);
  assert.equal(parseDuration('1H2M'), 3_720_000);
  assert.equal(parseDuration('pt5s'), 5000);
  assert.equal(parseDuration('PT'), undefined);
  assert.equal(parseDuration('soon'), undefined);
});
