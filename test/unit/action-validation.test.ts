import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { z } from 'zod';
import { validateCommand } from '../../src/bin/validate.js';
import { BUILTIN_ACTIONS, actionCatalog, findAction } from '../../src/engine/actions/registry.js';
import { parseTemplate, type ParseOptions } from '../../src/engine/parse.js';
import { TemplateInvalidError } from '../../src/errors.js';

const task = (action: string, props: string) =>
  `FormatVersion: OOS-2019-06-01\nParameters:\n  n: { Type: Json, Default: {} }\nTasks:\n  - Name: t\n    ` +
  `Action: ${action}\n    Properties:\n${props}`;

function problems(content: string, opts?: ParseOptions): string[] {
  try {
    parseTemplate(content, 'template', opts);
  } catch (err) {
    if (err instanceof TemplateInvalidError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

test('every action the engine runs has its name and a Properties schema, and no two names differ only in case', () => {
  for (const action of BUILTIN_ACTIONS) {
    assert.match(action.name, /^(ACS|Opsgate)::[A-Za-z]+$/);
    assert.ok(action.schema instanceof z.ZodType, `${action.name} has a Properties schema`);
    assert.equal(typeof action.run, 'function', `${action.name} runs`);
    assert.equal(findAction(action.name), action, `${action.name} is found by its name`);
  }
  const lower = BUILTIN_ACTIONS.map((a) => a.name.toLowerCase());
  assert.equal(new Set(lower).size, lower.length);
  // Validation checks the very list the engine runs from.
  assert.deepEqual(
    actionCatalog.names,
    BUILTIN_ACTIONS.map((a) => a.name),
  );
  assert.equal(findAction('ACS::ExecuteApi')?.name, 'ACS::ExecuteAPI');
});

test('an expression stands for any value: its type is checked when the task runs', () => {
  assert.deepEqual(
    problems(
      task(
        'ACS::Approve',
        "      Approvers: '{{ n }}'\n      MinRequiredApprovals: { 'Fn::Select': [count, '{{ n }}'] }\n      " +
          "AllowSelfApproval: '{{ n }}'\n",
      ),
    ),
    [],
  );
  assert.deepEqual(problems(task('ACS::Sleep', "      Duration: 'PT{{ n }}M'\n")), []);
  assert.deepEqual(
    problems(
      task('ACS::SelectTargets', "      Filters: ['{{ n }}', { Type: ResourceIds, ResourceIds: ['{{ n }}'] }]\n"),
    ),
    [],
  );
  assert.deepEqual(problems(task('ACS::ExecuteHttpRequest', "      URL: '{{ n }}'\n      Headers: '{{ n }}'\n")), []);
});

test('built-in names match ignoring case, as the engine finds them; ACS::ExecuteApi is ExecuteAPI', () => {
  assert.deepEqual(problems(task('ACS::ExecuteApi', '      Service: ECS\n      API: DescribeRegions\n')), []);
  assert.deepEqual(problems(task('acs::sleep', '      Duration: 1m\n')), []);
  assert.deepEqual(problems(task('ACS::Sleep', '      Duration: soon\n')), [
    'Tasks[0].Properties.Duration: must be an ISO-8601 duration such as PT10M (or seconds), got "soon"',
  ]);
});

test('a template name as Action is checked against the known templates when they are given', () => {
  const content = task('restart-service', '      service: billing\n');
  assert.deepEqual(problems(content), [], 'without the store at hand a template name is taken on trust');
  assert.deepEqual(problems(content, { knownTemplates: new Set(['restart-service']) }), []);
  assert.deepEqual(problems(content, { knownTemplates: new Set(['Restart-Service', 'hello']) }), [
    'Tasks[0].Action: unknown action restart-service (did you mean Restart-Service?)',
  ]);
  assert.deepEqual(problems(task('deploy', '      x: 1\n'), { knownTemplates: new Set(['hello']) }), [
    'Tasks[0].Action: unknown action deploy: not a built-in action, ACS::Product::Name or a template in the store',
  ]);
  assert.match(
    problems(task('ACS::Loop', '      LoopItems: []\n'))[0]!,
    /unknown action ACS::Loop: not a built-in action \(ACS::Approve, .*\) nor ACS::Product::Name/,
  );
  assert.deepEqual(problems(task('Opsgate::RunShellScrpt', '      Script: echo\n')), [
    'Tasks[0].Action: unknown action Opsgate::RunShellScrpt (did you mean Opsgate::RunShellScript?)',
  ]);
  assert.deepEqual(
    problems(task('ACS::ECS::RebootInstance', '      anything: goes\n'), { knownTemplates: new Set() }),
    [],
    "product actions are taken by their form; their Properties are the child's Parameters",
  );
});

test('keys OOS documents but opsgate would ignore are refused with the reason, not dropped', () => {
  assert.deepEqual(
    problems(task('ACS::ExecuteHttpRequest', '      URL: https://example.com\n      Query: { a: 1 }\n')),
    ['Tasks[0].Properties.Query: Query is not supported: write the query parameters into the URL'],
  );
  assert.deepEqual(problems(task('ACS::Notify', '      NotifyType: WebHook\n')), [
    'Tasks[0].Properties.WebHook: is required with NotifyType WebHook',
  ]);
  assert.deepEqual(
    problems(
      task('ACS::CheckFor', '      Service: ECS\n      API: DescribeInstances\n      PropertySelector: TotalCount\n'),
    ),
    ['Tasks[0].Properties.DesiredValues: is required (or NotDesiredValues)'],
  );
  assert.deepEqual(problems(task('ACS::Pause', '      Wait: true\n')), [
    'Tasks[0].Properties.Wait: unknown key Wait (it takes no properties)',
  ]);
});

test('opsgate validate counts the templates of the folders it checks as known actions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'og-actions-'));
  writeFileSync(join(dir, 'child.yaml'), task('ACS::Sleep', '      Duration: PT1S\n'));
  writeFileSync(join(dir, 'parent.yaml'), task('child', '      x: 1\n'));
  writeFileSync(join(dir, 'orphan.yaml'), task('chlid', '      x: 1\n'));
  let out = '';
  const sink = new Writable({
    write(chunk, _e, done) {
      out += String(chunk);
      done();
    },
  });
  assert.equal(validateCommand([dir], sink), 1);
  assert.match(
    out,
    /FAIL .*orphan\.yaml\n\s+Tasks\[0\]\.Action \(line 6, column 13\): unknown action chlid \(did you mean child\?\)/,
  );
  assert.match(out, /ok {3}.*parent\.yaml/);
});
