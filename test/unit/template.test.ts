import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TemplateInvalidError } from '../../src/errors.js';
import { interpolate, type Scope } from '../../src/template/expressions.js';
import { resolveParameters } from '../../src/template/parameters.js';
import { executionMasker } from '../../src/engine/mask.js';
import { parseTemplate } from '../../src/engine/parse.js';
import { select } from '../../src/template/selector.js';

const yaml = `FormatVersion: OOS-2019-06-01
Parameters:
  names: { Type: List, Default: [a, b] }
  count: { Type: Number, Default: 2, MaxValue: 5 }
  flag: { Type: Boolean, Default: false }
  token: { Type: String, NoEcho: true, Default: s3cret }
  region: { Type: String, Default: '{{ ACS::RegionId }}' }
  env: { Type: String, AllowedValues: [dev, prod] }
Tasks:
  - Name: first
    Action: ACS::Sleep
    Properties: { Duration: PT1S }
    Outputs:
      out: { Type: List, ValueSelector: 'items[].id' }
`;

function problems(content: string): string[] {
  try {
    parseTemplate(content);
  } catch (e) {
    if (e instanceof TemplateInvalidError) return e.problems.map((p) => `${p.path}@${p.line}: ${p.message}`);
    throw e;
  }
  return [];
}

test('YAML and JSON templates parse to the same thing', () => {
  const a = parseTemplate(yaml);
  const b = parseTemplate(JSON.stringify(a.template));
  assert.equal(a.format, 'YAML');
  assert.equal(b.format, 'JSON');
  assert.deepEqual(b.template, a.template);
});

test('problems name the path and the line', () => {
  assert.deepEqual(
    problems(`FormatVersion: OOS-2019-06-01
Tasks:
  - Name: a
    Action: ACS::Sleep
    Propertes: {}
  - Name: b
`),
    ['Tasks[0].Propertes@5: unknown key Propertes (did you mean Properties?)', 'Tasks[1].Action@6: is required'],
  );
  assert.deepEqual(
    problems(`FormatVersion: OOS-2019-06-01
Tasks:
  - Name: a
    Action: ACS::Sleep
    OnSuccess: nowhere
    Properties: { Duration: '{{ missing }}' }
  - Name: a
    Action: ACS::Sleep
    Properties: { Duration: '{{ a.nothing }}' }
`),
    [
      'Tasks[1].Name@7: task name a is already used by Tasks[0]',
      'Tasks[0].OnSuccess@5: nowhere is not a task name, ACS::NEXT or ACS::END',
      'Tasks[0].Properties.Duration@6: {{ missing }}: no parameter named missing',
      'Tasks[1].Properties.Duration@9: {{ a.nothing }}: task a has no output nothing',
    ],
  );
  assert.deepEqual(problems('FormatVersion: 2019\nTasks: []'), [
    'FormatVersion@1: must be OOS-2019-06-01, got 2019',
    'Tasks@2: must list at least one task',
  ]);
  assert.match(problems('a: [1')[0]!, /^@1: /);
});

const scope: Scope = {
  parameters: { names: ['a', 'b'], count: 2, text: 'hi' },
  outputs: { first: { out: [1, 2] } },
  builtins: { 'ACS::ExecutionId': 'exec-1' },
};

test('a whole-value reference keeps its type; inside text it becomes text', () => {
  assert.deepEqual(interpolate('{{ names }}', scope), ['a', 'b']);
  assert.equal(interpolate('{{count}}', scope), 2);
  assert.deepEqual(interpolate('{{ first.out }}', scope), [1, 2]);
  assert.equal(
    interpolate('{{ text }} {{ names }} {{ count }} in {{ ACS::ExecutionId }}', scope),
    'hi ["a","b"] 2 in exec-1',
  );
  assert.deepEqual(interpolate({ a: ['{{ count }}', { b: '{{ text }}!' }] }, scope), { a: [2, { b: 'hi!' }] });
  assert.throws(() => interpolate('{{ nope }}', scope), /does not name a parameter/);
  assert.equal(
    interpolate('{{ TEXT }}/{{ First.OUT }}/{{ acs::executionid }}', scope),
    'hi/[1,2]/exec-1',
    'names match ignoring case, as in OOS',
  );
  assert.throws(() => interpolate('{{ other.x }}', scope), /task other has not run/);
  assert.throws(() => interpolate('{{ ACS::RegionId }}', scope), /not available/);
});

test('parameters: text from chat becomes typed values; defaults apply; every problem at once', async () => {
  const { template } = parseTemplate(yaml);
  const p = await resolveParameters(
    template,
    { names: 'x, y', count: '3', flag: 'true', env: 'prod' },
    { 'ACS::RegionId': 'cn-hangzhou' },
  );
  assert.deepEqual(p, { names: ['x', 'y'], count: 3, flag: true, token: 's3cret', region: 'cn-hangzhou', env: 'prod' });
  assert.deepEqual(
    (await resolveParameters(template, { names: '["q"]', env: 'dev' }, { 'ACS::RegionId': 'r' })).names,
    ['q'],
  );
  await assert.rejects(
    resolveParameters(template, { count: 'many', flag: 'maybe', bogus: '1' }, { 'ACS::RegionId': 'r' }),
    (e: Error) =>
      e.message ===
      'bogus: unknown parameter (the template takes names, count, flag, token, region, env); count: must be a ' +
        'number, got "many"; flag: must be true or false, got "maybe"; env: is required (String)',
  );
  await assert.rejects(
    resolveParameters(template, { env: 'qa' }, { 'ACS::RegionId': 'r' }),
    /^ParameterError: env: must be one of dev, prod$|env: must be one of dev, prod/,
  );
  await assert.rejects(
    resolveParameters(template, { env: 'dev', count: '9' }, { 'ACS::RegionId': 'r' }),
    /count: must be at most 5/,
  );
  await assert.rejects(
    resolveParameters(template, { env: 'dev' }),
    /region: default \{\{ ACS::RegionId \}\} is not available here/,
  );
  assert.equal(executionMasker({ parameters: p }, template).parameters(p).token, '******');
});

test('ValueSelector is real jq, with the implicit leading dot of OOS', async () => {
  const result = { items: [{ id: 'i-1' }, { id: 'i-2' }], Body: { n: 3 } };
  assert.deepEqual(await select(result, 'items[].id', 'List'), ['i-1', 'i-2']);
  assert.deepEqual(await select(result, '.items | map(.id)', 'List'), ['i-1', 'i-2']);
  assert.equal(await select(result, '.Body.n', 'Number'), 3);
  assert.equal(await select(result, '.Body', 'String'), '{"n":3}');
  assert.equal(await select(result, '.items[] | select(.id | test("2$")) | .id', 'String'), 'i-2');
  await assert.rejects(
    select(result, '.items | nosuchfn', 'String'),
    /ValueSelector .items \| nosuchfn: .*nosuchfn\/0 is not defined/,
  );
});

test('a failing selector does not leave an exit status on the process', async () => {
  await assert.rejects(select({}, '.a | nosuchfn', 'String'));
  assert.equal(process.exitCode, undefined);
  assert.equal(await select('text', '.', 'String'), 'text');
  assert.equal(await select(undefined, '.', 'String'), '');
});

const evaluateFirstAlso =
  'evaluate: {{ }} first (also inside jq text), then functions; Fn::If takes one branch; inserted values stay data';
test(evaluateFirstAlso, async () => {
  const { evaluate } = await import('../../src/template/expressions.js');
  const s: Scope = {
    parameters: { trap: '{{ secret }}', fnData: { 'Fn::Join': ['-', ['a', 'b']] }, ids: ['i-1', 'i-2'], flag: 'true' },
    outputs: {
      q: {
        infos: [
          { instanceId: 'i-1', osType: 'linux' },
          { instanceId: 'i-2', osType: 'windows' },
        ],
      },
    },
    builtins: { 'ACS::TaskLoopItem': 'i-2' },
  };
  assert.equal(
    await evaluate(
      { 'Fn::Jq': ['First', '.|map(select(.instanceId == "{{ ACS::TaskLoopItem }}").osType)[]', '{{ q.infos }}'] },
      s,
    ),
    'windows',
  );
  assert.equal(
    await evaluate({ 'Fn::If': [{ 'Fn::Equals': ['{{ flag }}', true] }, 'yes', '{{ nothing.here }}'] }, s),
    'yes',
  );
  assert.equal(await evaluate('{{ trap }}', s), '{{ secret }}', 'a value that contains {{ }} is never evaluated again');
  assert.deepEqual(
    await evaluate('{{ fnData }}', s),
    { 'Fn::Join': ['-', ['a', 'b']] },
    'a value shaped like a function call is data',
  );
  assert.equal(await evaluate({ 'Fn::Join': [',', '{{ ids }}'] }, s), 'i-1,i-2');
  assert.deepEqual(await evaluate({ a: [{ 'Fn::Select': [1, '{{ ids }}'] }] }, s), { a: ['i-2'] });
  await assert.rejects(evaluate({ 'Fn::Frobnicate': [] }, s), /Fn::Frobnicate is not an OOS function/);
  await assert.rejects(
    evaluate({ 'Fn::If': ['true', 1] }, s),
    /Fn::If: expects \[condition, valueIfTrue, valueIfFalse\]/,
  );
});

test('YAML is read as OOS reads it (YAML 1.1, as PyYAML)', () => {
  const t = parseTemplate(`FormatVersion: OOS-2019-06-01
Parameters:
  a: { Type: String, Default: No }
  b: { Type: String, AllowedValues: [M, Y, yes, off, '1.0', 1.5, .] }
Tasks:
  - Name: x
    Action: ACS::Sleep
    Properties: { Duration: PT1S }
    Outputs:
      all: { Type: Json, ValueSelector: . }
`).template as {
    Parameters: Record<string, { Default?: unknown; AllowedValues?: unknown[] }>;
    Tasks: { Outputs: Record<string, { ValueSelector: unknown }> }[];
  };
  assert.equal(t.Parameters.a!.Default, false);
  assert.deepEqual(t.Parameters.b!.AllowedValues, ['M', 'Y', true, false, '1.0', 1.5, '.']);
  assert.equal(t.Tasks[0]!.Outputs.all!.ValueSelector, '.');
});

test('ValueSelector: a string type takes the first of many results; a List of one list is that list', async () => {
  assert.equal(await select({ a: [{ t: 'x' }, { t: 'y' }] }, 'a[].t', 'String'), 'x');
  assert.deepEqual(await select({ a: [1, 2] }, 'a', 'List'), [1, 2]);
  assert.deepEqual(await select({ a: [] }, 'a[]', 'List'), []);
  assert.equal(await select({ n: '7' }, 'n', 'Number'), 7);
  assert.equal(await select({ b: 'True' }, 'b', 'Boolean'), true);
  assert.deepEqual(await select({ j: '{"k":1}' }, 'j', 'Json'), { k: 1 });
});
