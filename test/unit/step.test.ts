import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { step, type Effect, type RunOutcome, type StepEvent } from '../../src/engine/step.js';
import type { Execution, ExecutionMode, TaskRecord } from '../../src/engine/types.js';
import { parseTemplate } from '../../src/engine/parse.js';
import type { Template } from '../../src/template/schema.js';

/**
 * The run's decisions as tables, with no Redis: each case is an execution, what happened, and the
 * effects `step` returns. `drive` plays the runner: it feeds each `run` effect the outcome the case
 * gives for that task, and each `outputs` effect the outputs, until the job would end.
 */
const T0 = Date.parse('2024-01-01T00:00:00Z');
const tpl = (tasks: string, extra = '') =>
  parseTemplate(`FormatVersion: OOS-2019-06-01\n${extra}Tasks:\n${tasks}`).template as Template;

const kinds = {
  plain: tpl(`
  - { Name: a, Action: ACS::Sleep, Properties: { Duration: PT1S } }
  - { Name: b, Action: ACS::Sleep, Properties: { Duration: PT1S } }`),
  approval: tpl(`
  - { Name: a, Action: ACS::Approve, Properties: { Approvers: [bob] } }
  - { Name: b, Action: ACS::Sleep, Properties: { Duration: PT1S } }`),
  loop: tpl(`
  - { Name: a, Action: ACS::Sleep, Loop: { Items: [1, 2] }, Properties: { Duration: PT1S } }
  - { Name: b, Action: ACS::Sleep, Properties: { Duration: PT1S } }`),
  child: tpl(`
  - { Name: a, Action: ACS::Template, Properties: { TemplateName: other } }
  - { Name: b, Action: ACS::Sleep, Properties: { Duration: PT1S } }`),
  choice: tpl(`
  - { Name: a, Action: ACS::Choice, Properties: { DefaultTask: b, Choices: [] } }
  - { Name: b, Action: ACS::Sleep, Properties: { Duration: PT1S } }`),
};
type Kind = keyof typeof kinds;

function execution(over: Partial<Execution> = {}): Execution {
  return {
    id: 'exec-1',
    templateName: 't',
    templateVersion: 'v1',
    parameters: {},
    status: 'Queued',
    tasks: {},
    origin: { platform: 'api' },
    mode: 'Automatic',
    createDate: new Date(T0).toISOString(),
    updateDate: new Date(T0).toISOString(),
    ...over,
  };
}

const rec = (status: TaskRecord['status'], over: Partial<TaskRecord> = {}): TaskRecord => ({
  taskExecutionId: `te-${status}`,
  status,
  action: 'ACS::Sleep',
  startDate: new Date(T0).toISOString(),
  ...over,
});

/** Runs a job: the effects in order, each `run` answered by `outcomes[task]` (a list: one per run). */
function drive(
  template: Template,
  exec: Execution,
  signals: Record<string, unknown>,
  outcomes: Record<string, RunOutcome[]> = {},
  outputs?: Record<string, unknown>,
) {
  let ids = 0;
  const effects: Effect[] = [];
  let event: StepEvent | undefined = { kind: 'resumed', signals };
  let current = exec;
  for (let n = 0; event && n < 50; n++) {
    const out = step(template, current, event, { now: T0 + n * 1000, newId: () => `te-${++ids}` });
    current = out.execution;
    event = undefined;
    for (const e of out.effects) {
      effects.push(e);
      if (e.kind === 'run' || e.kind === 'run-loop') {
        const next = outcomes[e.task.Name]?.shift();
        assert.ok(next, `no outcome given for a run of ${e.task.Name}`);
        event = { kind: 'ran', outcome: next, cont: e.cont };
      }
      if (e.kind === 'outputs')
        event = { kind: 'outputs', ...(outputs ? { outputs } : { error: 'no outputs' }), cont: e.cont };
    }
  }
  return { execution: current, effects, script: effects.flatMap(lines) };
}

/** An effect as short lines, for tables: a save's task records first, as the save keeps them. */
function lines(e: Effect): string[] {
  const records =
    e.kind === 'save'
      ? (e.records ?? []).map((r) => `record ${r.name} ${r.record.status}${r.count ? '' : ' (uncounted)'}`)
      : [];
  return [...records, show(e)];
}

/** An effect as one short line, for tables. */
function show(e: Effect): string {
  switch (e.kind) {
    case 'save':
      return `save ${e.execution.status}${e.park ? ' park' : ''}${e.claim ? ' claim' : ''}`;
    case 'clear-signal':
      return `clear ${e.name}`;
    case 'notify':
      return `notify ${e.message.kind}${e.message.kind === 'task' ? ` ${e.message.task} ${e.message.status}` : ''}`;
    case 'run':
    case 'run-loop':
      return `run ${e.task.Name}${e.checkWhen ? '' : ' (resumed)'}`;
    case 'outputs':
      return 'outputs';
    case 'wake':
      return `wake ${e.task} +${(e.at - T0) / 1000}s`;
    case 'close-tickets':
      return 'close-tickets';
    case 'resume-parent':
      return `resume-parent ${e.parent.executionId}${e.parent.index !== undefined ? `[${e.parent.index}]` : ''}`;
    case 'wait':
      return `wait at ${e.at}`;
    case 'finish':
      return `finish ${e.status}`;
  }
}

const ok: RunOutcome = { kind: 'success', outputs: {} };
const failed: RunOutcome = { kind: 'failed', message: 'boom' };
const outcomeOf: Record<Kind, RunOutcome> = {
  plain: ok,
  approval: { kind: 'success', outputs: {} },
  loop: { kind: 'success', outputs: {}, loop: { Total: 2, Success: 2, Failed: 0 } },
  child: ok,
  choice: { kind: 'success', outputs: {}, next: 'b' },
};

describe('step: modes x task kinds, from the start', () => {
  const modes: ExecutionMode[] = ['Automatic', 'Debug', 'FailurePause'];
  for (const mode of modes) {
    for (const kind of Object.keys(kinds) as Kind[]) {
      test(`${mode}, ${kind}: success`, () => {
        const r = drive(kinds[kind], execution({ mode }), {}, { a: [outcomeOf[kind]], b: [ok] });
        if (mode === 'Debug') {
          // Every task waits for ExecuteTask: the claim, then the wait, saved apart (Waiting never follows Queued).
          assert.deepEqual(r.script, ['save Running claim', 'save Waiting park', 'wait at a']);
          assert.equal(r.execution.statusMessage, 'Debug: waiting for ExecuteTask (next: a)');
          return;
        }
        // The claim is the first task's start: one save, not two.
        assert.deepEqual(r.script, [
          'save Running claim',
          'run a',
          'record a Success',
          'save Running',
          'run b',
          'record b Success',
          'save Success park',
          'finish Success',
        ]);
      });
      test(`${mode}, ${kind}: failure`, () => {
        if (mode === 'Debug') return;
        const r = drive(kinds[kind], execution({ mode }), {}, { a: [failed] });
        if (mode === 'FailurePause') {
          assert.deepEqual(r.script, [
            'save Running claim',
            'run a',
            'record a Failed',
            'save Waiting park',
            'wait at a',
          ]);
          assert.equal(r.execution.pausedOnFailure, true);
          assert.equal(r.execution.statusMessage, 'task a failed: boom (waiting for RetryTask or SkipTask)');
          return;
        }
        assert.deepEqual(r.script, [
          'save Running claim',
          'run a',
          'record a Failed',
          'save Failed park',
          'close-tickets',
          'finish Failed',
        ]);
      });
    }
  }
});

describe('step: NotifyExecution words in each mode', () => {
  const debug = (over: Partial<Execution> = {}) =>
    execution({ mode: 'Debug', status: 'Waiting', current: 'a', ...over });
  const cases: {
    name: string;
    kind: Kind;
    exec: Execution;
    signals: Record<string, unknown>;
    script: string[];
    message?: string;
  }[] = [
    {
      name: 'Debug ExecuteTask runs the task, then waits before the next',
      kind: 'plain',
      exec: debug(),
      signals: { execute: {} },
      script: [
        'save Running claim',
        'clear execute',
        'save Running',
        'run a',
        'record a Success',
        'save Waiting park',
        'wait at b',
      ],
    },
    {
      name: 'Debug CancelTask skips a plain task',
      kind: 'plain',
      exec: debug(),
      signals: { skip: true },
      script: ['save Running claim', 'clear skip', 'save Waiting park', 'wait at b'],
    },
    {
      name: 'Debug CancelTask never skips an approval',
      kind: 'approval',
      exec: debug(),
      signals: { skip: true },
      script: ['save Running claim', 'clear skip', 'save Waiting park', 'wait at a'],
      message: 'Debug: CancelTask refused: a is an approval step',
    },
    {
      name: 'Debug ExecuteTask cannot jump over an approval',
      kind: 'approval',
      exec: debug(),
      signals: { execute: { TaskName: 'b' } },
      script: ['save Running claim', 'clear execute', 'save Waiting park', 'wait at a'],
      message: 'Debug: ExecuteTask cannot jump to b',
    },
    {
      name: 'Debug ExecuteTask may jump where no approval stands, and runs it at once',
      kind: 'plain',
      exec: debug(),
      signals: { execute: { TaskName: 'b' } },
      script: [
        'save Running claim',
        'clear execute',
        'save Running',
        'run b',
        'record b Success',
        'save Success park',
        'finish Success',
      ],
    },
    {
      name: 'Debug with no word waits again',
      kind: 'plain',
      exec: debug(),
      signals: {},
      script: ['save Running claim', 'save Waiting park', 'wait at a'],
    },
    {
      name: 'FailurePause RetryTask runs the failed task afresh',
      kind: 'plain',
      exec: execution({
        mode: 'FailurePause',
        status: 'Waiting',
        current: 'a',
        pausedOnFailure: true,
        tasks: { a: rec('Failed') },
      }),
      signals: { retry: true },
      script: [
        'save Running claim',
        'clear retry',
        'save Running',
        'run a',
        'record a Success',
        'save Running',
        'run b',
        'record b Success',
        'save Success park',
        'finish Success',
      ],
    },
    {
      name: 'FailurePause SkipTask skips the failed task',
      kind: 'plain',
      exec: execution({
        mode: 'FailurePause',
        status: 'Waiting',
        current: 'a',
        pausedOnFailure: true,
        tasks: { a: rec('Failed') },
      }),
      signals: { skip: true },
      script: [
        'save Running claim',
        'clear skip',
        'save Running',
        'run b',
        'record b Success',
        'save Success park',
        'finish Success',
      ],
    },
    {
      name: 'FailurePause SkipTask never skips an approval',
      kind: 'approval',
      exec: execution({
        mode: 'FailurePause',
        status: 'Waiting',
        current: 'a',
        pausedOnFailure: true,
        tasks: { a: rec('Failed') },
      }),
      signals: { skip: true },
      script: ['save Running claim', 'clear skip', 'save Waiting park', 'wait at a'],
      message: 'SkipTask refused: a is an approval step',
    },
    {
      name: 'FailurePause with no word waits again',
      kind: 'plain',
      exec: execution({
        mode: 'FailurePause',
        status: 'Waiting',
        current: 'a',
        pausedOnFailure: true,
        tasks: { a: rec('Failed') },
      }),
      signals: {},
      script: ['save Running claim', 'save Waiting park', 'wait at a'],
    },
    {
      name: 'Automatic: a Pause that ends uses the go-ahead (resume)',
      kind: 'plain',
      exec: execution({ status: 'Waiting', current: 'a', tasks: { a: rec('Waiting') } }),
      signals: { resume: true },
      script: [
        'save Running claim',
        'run a (resumed)',
        'clear resume',
        'record a Success',
        'save Running',
        'run b',
        'record b Success',
        'save Success park',
        'finish Success',
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = drive(kinds[c.kind], c.exec, c.signals, { a: [outcomeOf[c.kind]], b: [ok] });
      assert.deepEqual(r.script, c.script);
      if (c.message) assert.ok(r.execution.statusMessage?.startsWith(c.message), r.execution.statusMessage);
    });
  }
});

describe('step: the gate, before every task', () => {
  const t = kinds.approval;
  const positions: { name: string; exec: Execution; script: string[] }[] = [
    {
      name: 'at the approval: it runs',
      exec: execution({ status: 'Running', current: 'a' }),
      script: ['save Running claim', 'run a'],
    },
    {
      name: 'after an approval not approved (a jump, a crash): the task fails and the run ends',
      exec: execution({ status: 'Running', current: 'b' }),
      script: ['save Running claim', 'record b Failed (uncounted)', 'save Failed', 'close-tickets', 'finish Failed'],
    },
    {
      name: 'after an approval that was approved: it runs',
      exec: execution({ status: 'Running', current: 'b', tasks: { a: rec('Success') } }),
      script: ['save Running claim', 'run b'],
    },
    {
      name: 'after a rejected approval: refused',
      exec: execution({ status: 'Running', current: 'b', tasks: { a: rec('Cancelled') } }),
      script: ['save Running claim', 'record b Failed (uncounted)', 'save Failed', 'close-tickets', 'finish Failed'],
    },
  ];
  for (const p of positions) {
    test(p.name, () => {
      const r = drive(
        t,
        p.exec,
        {},
        { a: [{ kind: 'wait', message: 'waiting for approval' }], b: [{ kind: 'wait', message: 'sleeping' }] },
      );
      assert.deepEqual(r.script.slice(0, p.script.length), p.script);
      if (p.script.includes('finish Failed'))
        assert.match(r.execution.statusMessage!, /task b comes after approval a, which is not approved/);
    });
  }
  test("an approval policy's gate runs before the first task", () => {
    const r = drive(
      kinds.plain,
      execution({ gate: { Approvers: ['bob'] } }),
      {},
      { 'opsgate:policy': [{ kind: 'wait', message: 'waiting for approval t-1', data: { ticketId: 't-1' } }] },
    );
    assert.deepEqual(r.script, [
      'save Running claim',
      'run opsgate:policy',
      'save Waiting park',
      'wait at opsgate:policy',
    ]);
  });
});

describe('step: task Retries with each DelayType', () => {
  const retrying = (props: string) =>
    tpl(`
  - { Name: a, Action: ACS::Sleep, Retries: 3, ${props} Properties: { Duration: PT1S } }`);
  const fail: RunOutcome = { kind: 'failed', message: 'boom', retryable: true };
  const cases: [string, string, number[]][] = [
    ['Exponential (default)', '', [1, 2, 4]],
    ['Constant', 'DelayType: Constant, Delay: 5,', [5, 5, 5]],
    ['Linear', 'DelayType: Linear, Delay: 5, BackOff: 2,', [5, 7, 9]],
    ['MaxRetryInterval caps Exponential', 'MaxRetryInterval: 3,', [1, 2, 3]],
    ['MaxRetryInterval caps Linear', 'DelayType: Linear, Delay: 5, BackOff: 10, MaxRetryInterval: 10,', [5, 10, 10]],
  ];
  for (const [name, props, delays] of cases) {
    test(name, () => {
      const t = retrying(props);
      let exec = execution();
      const seen: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const r = drive(t, exec, {}, { a: [fail] });
        const wake = r.effects.find((e) => e.kind === 'wake');
        assert.ok(wake && wake.kind === 'wake', r.script.join(', '));
        const ran = r.effects.find((e) => e.kind === 'run')!;
        // The wake-up is counted from the time the outcome arrived (one tick after the run).
        seen.push((wake.at - (T0 + 1000)) / 1000);
        assert.equal(r.execution.tasks.a!.status, 'Waiting');
        assert.equal(r.execution.tasks.a!.message, `retry ${attempt + 1} of 3 after: boom`);
        exec = { ...r.execution, status: 'Waiting' };
        assert.ok(ran);
      }
      assert.deepEqual(seen, delays);
      // The fourth failure is final.
      const last = drive(t, exec, {}, { a: [fail] });
      assert.deepEqual(last.script.slice(-4), [
        'record a Failed',
        'save Failed park',
        'close-tickets',
        'finish Failed',
      ]);
    });
  }
  test('an action that counts its own retries (WaitFor) is not repeated', () => {
    const r = drive(retrying(''), execution(), {}, { a: [{ kind: 'failed', message: 'still not ready' }] });
    assert.deepEqual(r.script.slice(-2), ['close-tickets', 'finish Failed']);
  });
});

describe('step: waits, timeouts, loops, children, outputs', () => {
  test('a timed wait (Sleep, a WaitFor poll) parks and schedules its wake-up', () => {
    const r = drive(
      kinds.plain,
      execution(),
      {},
      { a: [{ kind: 'wait', message: 'sleeping', data: { wakeAt: T0 + 60_000 }, resumeAt: T0 + 60_000 }] },
    );
    assert.deepEqual(r.script, ['save Running claim', 'run a', 'save Waiting park', 'wake a +60s', 'wait at a']);
  });
  test('an approval that timed out cancels the run and closes its tickets', () => {
    const r = drive(
      kinds.approval,
      execution({ status: 'Waiting', current: 'a', tasks: { a: rec('Waiting', { data: { ticketId: 't-1' } }) } }),
      {},
      { a: [{ kind: 'cancel', message: 'approval t-1 timed out' }] },
    );
    assert.deepEqual(r.script, [
      'save Running claim',
      'run a (resumed)',
      'record a Cancelled',
      'save Cancelled park',
      'close-tickets',
      'finish Cancelled',
    ]);
  });
  test('a loop under way parks the execution Running, telling nobody; its batch go-ahead is used', () => {
    const r = drive(
      kinds.loop,
      execution({ status: 'Waiting', current: 'a', tasks: { a: rec('Waiting') } }),
      { resume: true },
      { a: [{ kind: 'wait', running: true, message: 'loop a: batch 2 running', consumed: ['resume'] }] },
    );
    assert.deepEqual(r.script, [
      'save Running claim',
      'run a (resumed)',
      'clear resume',
      'save Running park',
      'wait at a',
    ]);
    // The loop task's run is the loop's driver, not the action: the runner does not look at Loop.
    assert.deepEqual(
      r.effects.filter((e) => e.kind.startsWith('run')).map((e) => e.kind),
      ['run-loop'],
    );
  });
  test("a child's end resumes the parent task (or loop item) that waits for it; a trigger's child does not", () => {
    const parent = { executionId: 'exec-p', taskName: 'x', taskExecutionId: 'te-x' };
    assert.deepEqual(drive(kinds.plain, execution({ parent }), {}, { a: [ok], b: [ok] }).script.slice(-2), [
      'resume-parent exec-p',
      'finish Success',
    ]);
    assert.deepEqual(
      drive(kinds.plain, execution({ parent: { ...parent, index: 3 } }), {}, { a: [failed] }).script.slice(-3),
      ['close-tickets', 'resume-parent exec-p[3]', 'finish Failed'],
    );
    assert.deepEqual(
      drive(kinds.plain, execution({ parent: { ...parent, detached: true } }), {}, { a: [ok], b: [ok] }).script.slice(
        -1,
      ),
      ['finish Success'],
    );
  });
  test('a task waiting for its child is run again, not started again', () => {
    const r = drive(
      kinds.child,
      execution({ status: 'Waiting', current: 'a', tasks: { a: rec('Waiting', { data: { childId: 'exec-c' } }) } }),
      {},
      { a: [{ kind: 'wait', message: 'waiting for child execution exec-c', data: { childId: 'exec-c' } }] },
    );
    // Resumed without news: saved Waiting again, and the chat is not told twice.
    assert.deepEqual(r.script, ['save Running claim', 'run a (resumed)', 'save Waiting park', 'wait at a']);
  });
  test('Outputs are evaluated before the last save; an error fails the run', () => {
    const t = tpl(
      `
  - { Name: a, Action: ACS::Sleep, Properties: { Duration: PT1S } }`,
      'Outputs: { out: { Type: String, Value: x } }\n',
    );
    const good = drive(t, execution(), {}, { a: [ok] }, { out: 'x' });
    assert.deepEqual(good.script, [
      'save Running claim',
      'run a',
      'outputs',
      'record a Success',
      'save Success park',
      'finish Success',
    ]);
    assert.deepEqual(good.execution.outputs, { out: 'x' });
    const bad = drive(t, execution(), {}, { a: [ok] });
    assert.deepEqual(bad.script.slice(-4), ['record a Success', 'save Failed park', 'close-tickets', 'finish Failed']);
    assert.equal(bad.execution.statusMessage, 'Outputs: no outputs');
  });
  test('a run started from a chat is told of its start, each task, and its end', () => {
    const r = drive(kinds.plain, execution({ origin: { platform: 'console', channel: 'c' } }), {}, { a: [failed] });
    assert.deepEqual(r.script, [
      'save Running claim',
      'notify started',
      'notify task a Running',
      'run a',
      'record a Failed',
      'save Failed park',
      'notify task a Failed',
      'close-tickets',
      'notify finished',
      'finish Failed',
    ]);
  });
});
