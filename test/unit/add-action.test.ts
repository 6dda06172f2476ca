import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { BUILTIN_ACTIONS, actionCatalog } from '../../src/engine/actions/registry.js';
import type { BuiltinAction, Ports } from '../../src/engine/actions/types.js';
import { step, type RunOutcome, type StepEvent } from '../../src/engine/step.js';
import type { Execution } from '../../src/engine/types.js';
import { TemplateInvalidError } from '../../src/errors.js';
import { catalogOf, type ActionCatalog } from '../../src/template/catalog.js';
import { evaluate } from '../../src/template/expressions.js';
import { parseRunnable } from '../../src/template/parse.js';
import { ex, name, props, req } from '../../src/template/property-fields.js';

// An action is one module of src/engine/actions/ and one line of its registry: this one, written
// here instead, gets its Properties checked and runs, and nothing in src/template/ names it.

const shout: BuiltinAction = {
  name: 'Opsgate::Shout',
  schema: props({ Text: req(name), Times: ex(z.number().int().min(1)) }),
  needs: (p) => (p.Times === 7 ? [{ path: ['Times'], message: 'is unlucky' }] : []),
  async run({ properties }) {
    const said = String(properties.Text)
      .toUpperCase()
      .repeat(Number(properties.Times ?? 1));
    return { kind: 'success', result: { Said: said } };
  },
};
const withShout = catalogOf([...BUILTIN_ACTIONS, shout]);

const template = (props: string) =>
  `FormatVersion: OOS-2019-06-01\nParameters:\n  who: { Type: String, Default: ops }\nTasks:\n` +
  `  - Name: hail\n    Action: opsgate::shout\n    Properties:\n${props}`;

function problems(content: string, actions: ActionCatalog): string[] {
  try {
    parseRunnable(content, 'template', { actions });
  } catch (err) {
    if (err instanceof TemplateInvalidError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

test("a catalogue's own action has its Properties checked by parseTemplate, named in any case", () => {
  assert.deepEqual(problems(template("      Text: '{{ who }}'\n      Times: 2\n"), withShout), []);
  assert.deepEqual(problems(template('      Txet: hi\n'), withShout), [
    'Tasks[0].Properties.Txet: unknown key Txet (did you mean Text?)',
  ]);
  assert.deepEqual(problems(template('      Text: hi\n      Times: 7\n'), withShout), [
    'Tasks[0].Properties.Times: is unlucky',
  ]);
  const [tooFew, ...more] = problems(template('      Text: hi\n      Times: 0\n'), withShout);
  assert.match(tooFew!, /^Tasks\[0\]\.Properties\.Times: /);
  assert.deepEqual(more, []);
  // The same template against the engine's built-ins: the catalogue decides what an action is.
  assert.match(
    problems(template('      Text: hi\n'), actionCatalog)[0]!,
    /^Tasks\[0\]\.Action: unknown action opsgate::shout: not a built-in action \(ACS::Approve, .*\)/,
  );
});

test("the engine runs a catalogue's own action: step() asks for it by name and its run answers", async () => {
  const outputs = '    Outputs: { Said: { ValueSelector: .Said } }\n';
  const content = `${template("      Text: '{{ who }}'\n      Times: 2\n")}${outputs}`;
  const { template: parsed } = parseRunnable(content, 'template', { actions: withShout });
  let execution: Execution = {
    id: 'exec-1',
    templateName: 'shout',
    templateVersion: 'v1',
    parameters: { who: 'ops' },
    status: 'Queued',
    tasks: {},
    origin: { platform: 'api' },
    mode: 'Automatic',
    createDate: '2024-01-01T00:00:00Z',
    updateDate: '2024-01-01T00:00:00Z',
  };
  let event: StepEvent | undefined = { kind: 'resumed', signals: {} };
  let finished: string | undefined;
  for (let n = 0; event && n < 20; n++) {
    const out = step(parsed, execution, event, { now: Date.parse('2024-01-01T00:00:00Z') + n, newId: () => `te-${n}` });
    execution = out.execution;
    event = undefined;
    for (const e of out.effects) {
      if (e.kind === 'finish') finished = e.status;
      if (e.kind === 'outputs') event = { kind: 'outputs', outputs: {}, cont: e.cont };
      if (e.kind !== 'run') continue;
      // What the worker does for a `run`, cut to this action: find it by name, evaluate, run.
      const action = withShout.find(e.task.Action)!;
      const properties = (await evaluate(e.task.Properties, {
        parameters: e.execution.parameters,
        outputs: {},
        builtins: {},
      })) as Record<string, unknown>;
      const r = await action.run({
        execution: e.execution,
        task: e.task,
        properties,
        idempotencyKey: `${e.execution.id}/${e.task.Name}`,
        ports: {} as Ports,
        signals: {},
        taskExecutionId: e.record.taskExecutionId,
      });
      assert.equal(r.kind, 'success');
      const said = (r as { result: { Said: string } }).result.Said;
      const outcome: RunOutcome = { kind: 'success', outputs: { Said: said }, properties };
      event = { kind: 'ran', outcome, cont: e.cont };
    }
  }
  assert.equal(finished, 'Success');
  assert.equal(execution.status, 'Success');
  assert.deepEqual(execution.tasks.hail?.outputs, { Said: 'OPSOPS' });
});
