import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GATE } from '../../src/engine/advance.js';
import { mayStart } from '../../src/engine/gate.js';
import { decideSignal, type SteeringWord } from '../../src/engine/signals.js';
import type { Execution, ExecutionMode, TaskRecord } from '../../src/engine/types.js';
import { parseTemplate } from '../../src/engine/parse.js';
import type { Template } from '../../src/template/schema.js';

/**
 * The gate rule as a table: every mode x every NotifyExecution word x each place a run can stand
 * relative to an approval. `gate` means refused because it would pass an approval, `status` that
 * the word is not for this mode or moment, `ok` that the word may act.
 */
const linear = parseTemplate(`
FormatVersion: OOS-2019-06-01
Tasks:
  - { Name: prepare, Action: ACS::Sleep, Properties: { Duration: PT1S } }
  - { Name: approve, Action: ACS::Approve, Properties: { Approvers: [bob] } }
  - { Name: deploy, Action: ACS::Sleep, Properties: { Duration: PT1S } }
  - { Name: cleanup, Action: ACS::Sleep, Properties: { Duration: PT1S } }
`).template as Template;

// An approval run as a loop (one ticket for its items), then the step it guards.
const looped = parseTemplate(`
FormatVersion: OOS-2019-06-01
Tasks:
  - Name: approveEach
    Action: ACS::Approve
    Loop: { Items: [a, b] }
    Properties: { Approvers: [bob] }
  - { Name: deploy, Action: ACS::Sleep, Properties: { Duration: PT1S } }
`).template as Template;

// The parent runs a child (its own template, with its own approval) and then a step of its own.
const parent = parseTemplate(`
FormatVersion: OOS-2019-06-01
Tasks:
  - { Name: child, Action: ACS::Template, Properties: { TemplateName: gated-child } }
  - { Name: after, Action: ACS::Sleep, Properties: { Duration: PT1S } }
`).template as Template;

type Place = {
  name: string;
  template: Template;
  current: string;
  tasks: Record<string, TaskRecord['status']>;
  paused?: boolean;
  parent?: boolean;
  gate?: boolean;
};

const places: Place[] = [
  { name: 'before the approval', template: linear, current: 'prepare', tasks: {} },
  {
    name: 'at the open approval',
    template: linear,
    current: 'approve',
    tasks: { prepare: 'Success', approve: 'Waiting' },
  },
  {
    name: 'at a failed approval',
    template: linear,
    current: 'approve',
    tasks: { prepare: 'Success', approve: 'Failed' },
    paused: true,
  },
  {
    name: 'after the approval',
    template: linear,
    current: 'deploy',
    tasks: { prepare: 'Success', approve: 'Success' },
  },
  {
    name: 'after the approval, at a failed task',
    template: linear,
    current: 'deploy',
    tasks: { prepare: 'Success', approve: 'Success', deploy: 'Failed' },
    paused: true,
  },
  {
    name: 'at an open approval in a loop',
    template: looped,
    current: 'approveEach',
    tasks: { approveEach: 'Running' },
  },
  { name: 'in a child, before its approval', template: linear, current: 'prepare', tasks: {}, parent: true },
  { name: 'in a parent, at a child with an approval', template: parent, current: 'child', tasks: { child: 'Waiting' } },
  {
    name: "before the approval policy's gate",
    template: linear,
    current: GATE,
    tasks: { [GATE]: 'Waiting' },
    gate: true,
  },
];

const words: { word: SteeringWord; taskName?: string; status?: 'Success' | 'Failed'; label: string }[] = [
  { word: 'ExecuteTask', label: 'ExecuteTask' },
  { word: 'ExecuteTask', taskName: 'deploy', label: 'ExecuteTask deploy' },
  { word: 'ExecuteTask', taskName: 'cleanup', label: 'ExecuteTask cleanup' },
  { word: 'ExecuteTask', taskName: 'after', label: 'ExecuteTask after' },
  { word: 'CancelTask', label: 'CancelTask' },
  { word: 'SkipTask', label: 'SkipTask' },
  { word: 'RetryTask', label: 'RetryTask' },
  { word: 'CompleteExecution', status: 'Success', label: 'CompleteExecution Success' },
  { word: 'CompleteExecution', status: 'Failed', label: 'CompleteExecution Failed' },
];

// Expected per place, for Debug and FailurePause (Automatic refuses every word: `status`).
// `-` : the task named does not exist in that template (refused, as gate, naming it).
const debug: Record<string, string> = {
  'before the approval': 'ok gate gate - ok status status gate ok',
  'at the open approval': 'ok gate gate - gate status status gate ok',
  'at a failed approval': 'ok gate gate - gate status status gate ok',
  'after the approval': 'ok ok ok - ok status status ok ok',
  'after the approval, at a failed task': 'ok ok ok - ok status status ok ok',
  'at an open approval in a loop': 'ok gate - - gate status status gate ok',
  'in a child, before its approval': 'ok gate gate - ok status status gate ok',
  'in a parent, at a child with an approval': 'ok - - ok ok status status ok ok',
  "before the approval policy's gate": 'ok gate gate - gate status status gate ok',
};
const failurePause: Record<string, string> = {
  'before the approval': 'status status status status status status status status status',
  'at the open approval': 'status status status status status status status status status',
  'at a failed approval': 'status status status status status gate ok status status',
  'after the approval': 'status status status status status status status status status',
  'after the approval, at a failed task': 'status status status status status ok ok status status',
  'at an open approval in a loop': 'status status status status status status status status status',
  'in a child, before its approval': 'status status status status status status status status status',
  'in a parent, at a child with an approval': 'status status status status status status status status status',
  "before the approval policy's gate": 'status status status status status status status status status',
};

function executionAt(p: Place, mode: ExecutionMode): Execution {
  const tasks: Record<string, TaskRecord> = {};
  for (const [name, status] of Object.entries(p.tasks))
    tasks[name] = { taskExecutionId: `te-${name}`, status, action: 'x', startDate: '2026-01-01T00:00:00Z' };
  return {
    id: 'exec-1',
    templateName: 't',
    templateVersion: 'v1',
    parameters: {},
    status: 'Waiting',
    current: p.current,
    tasks,
    origin: { platform: 'api' },
    mode,
    createDate: '2026-01-01T00:00:00Z',
    updateDate: '2026-01-01T00:00:00Z',
    ...(p.paused && mode === 'FailurePause' ? { pausedOnFailure: true } : {}),
    ...(p.parent ? { parent: { executionId: 'exec-0', taskName: 'child', taskExecutionId: 'te-0' } } : {}),
    ...(p.gate ? { gate: { Approvers: ['bob'] } } : {}),
  };
}

const verdict = (d: ReturnType<typeof decideSignal>) => (d.kind === 'refused' ? d.reason : 'ok');

describe('the gate rule: every mode x every word x every place', () => {
  for (const p of places) {
    for (const mode of ['Automatic', 'Debug', 'FailurePause'] as const) {
      test(`${mode}, ${p.name}`, () => {
        const want =
          mode === 'Automatic'
            ? words.map(() => 'status')
            : (mode === 'Debug' ? debug : failurePause)[p.name]!.split(' ');
        // A child runs in Automatic mode whatever its parent's: its words are refused as such.
        const exec = executionAt(p, p.parent ? 'Automatic' : mode);
        const got = words.map((w) => {
          const exists = !w.taskName || p.template.Tasks.some((t) => t.Name === w.taskName);
          const d = decideSignal(p.template, exec, w.word, { taskName: w.taskName, status: w.status });
          if (!exists && mode === 'Debug' && !p.parent) {
            assert.match(d.kind === 'refused' ? d.message : '', new RegExp(`no task ${w.taskName}`));
            return '-';
          }
          return verdict(d);
        });
        const expected = p.parent ? words.map(() => 'status') : want;
        assert.deepEqual(
          Object.fromEntries(words.map((w, i) => [w.label, got[i]])),
          Object.fromEntries(words.map((w, i) => [w.label, expected[i]])),
        );
      });
    }
  }

  test('a refusal names the approval and how to go on', () => {
    const d = decideSignal(linear, executionAt(places[1]!, 'Debug'), 'ExecuteTask', { taskName: 'deploy' });
    assert.equal(d.kind, 'refused');
    assert.match(
      (d as { message: string }).message,
      /cannot jump to deploy: it comes after approval approve, which is not approved; run the approval first/,
    );
    const s = decideSignal(linear, executionAt(places[2]!, 'FailurePause'), 'SkipTask');
    assert.match((s as { message: string }).message, /approve is an approval step: it cannot be skipped/);
  });
});

describe('mayStart: checked before every task, whatever led there', () => {
  const exec = (tasks: Record<string, TaskRecord['status']>, extra: Partial<Execution> = {}) => ({
    ...executionAt({ name: '', template: linear, current: 'deploy', tasks }, 'Automatic'),
    ...extra,
  });

  test('a task after an approval runs only once it is approved', () => {
    assert.equal(mayStart(linear, exec({ approve: 'Waiting' }), 'deploy').ok, false);
    assert.equal(mayStart(linear, exec({ approve: 'Failed' }), 'cleanup').ok, false);
    assert.equal(mayStart(linear, exec({ approve: 'Cancelled' }), 'deploy').ok, false);
    assert.equal(mayStart(linear, exec({ approve: 'Success' }), 'deploy').ok, true);
    assert.equal(mayStart(linear, exec({}), 'prepare').ok, true);
    assert.equal(mayStart(linear, exec({}), 'approve').ok, true);
  });

  test('the policy gate guards every task of the template', () => {
    assert.equal(mayStart(linear, exec({}, { gate: { Approvers: ['bob'] } }), 'prepare').ok, false);
    assert.equal(
      mayStart(linear, exec({ [GATE]: 'Success', approve: 'Success' }, { gate: { Approvers: ['bob'] } }), 'deploy').ok,
      true,
    );
  });

  test('paths the template itself gives around an approval stay open: a false When, OnError', () => {
    const t = parseTemplate(`
FormatVersion: OOS-2019-06-01
Parameters: { strict: { Type: Boolean, Default: true } }
Tasks:
  - { Name: approve, Action: ACS::Approve, When: '{{ strict }}', Properties: { Approvers: [bob] } }
  - { Name: deploy, Action: ACS::Sleep, Properties: { Duration: PT1S } }
  - { Name: ask, Action: ACS::Approve, OnError: report, Properties: { Approvers: [bob] } }
  - { Name: apply, Action: ACS::Sleep, OnSuccess: ACS::END, Properties: { Duration: PT1S } }
  - { Name: report, Action: ACS::Sleep, Properties: { Duration: PT1S } }
`).template as Template;
    assert.equal(mayStart(t, exec({ approve: 'Skipped' }), 'deploy').ok, true);
    assert.equal(mayStart(t, exec({ approve: 'Skipped', ask: 'Failed' }), 'report').ok, true);
    assert.equal(mayStart(t, exec({ approve: 'Skipped', ask: 'Failed' }), 'apply').ok, false);
  });

  test('a task no path reaches is behind every approval', () => {
    const t = parseTemplate(`
FormatVersion: OOS-2019-06-01
Tasks:
  - { Name: approve, Action: ACS::Approve, Properties: { Approvers: [bob] } }
  - { Name: done, Action: ACS::Sleep, OnSuccess: ACS::END, Properties: { Duration: PT1S } }
  - { Name: hidden, Action: ACS::Sleep, Properties: { Duration: PT1S } }
`).template as Template;
    assert.equal(mayStart(t, exec({ approve: 'Failed' }), 'hidden').ok, false);
  });
});
