import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closeJq, configureJq, runJq, warmJq } from '../../src/template/jq.js';
import { evaluate, type Scope } from '../../src/template/expressions.js';
import { jqProgram } from '../../src/template/jq-program.js';
import { select } from '../../src/template/selector.js';

const INJECTION = 'a") | "INJECTED" #';
const scope = (parameters: Record<string, unknown>): Scope => ({ parameters, outputs: {}, builtins: {} });
const people = [
  { name: 'a', id: 1 },
  { name: INJECTION, id: 2 },
];

// A limit a loaded 2-core CI machine meets for a one-line program (300 ms did not, once), far below the runaway's.
configureJq({ timeoutMs: 1000, memoryMb: 64 });
// Warm threads, so the time measured below is the limit's and not a thread's start.
before(() => warmJq());
after(() => closeJq());

test('a program that never ends is stopped at the time limit, and the pool keeps serving', async () => {
  const t = Date.now();
  await assert.rejects(runJq({}, 'until(false; .)', 'ValueSelector x'), (err: Error & { code?: string }) => {
    assert.equal(err.message, 'ValueSelector x: jq program did not finish within 1000 ms');
    assert.equal(err.code, 'InvalidExpression');
    return true;
  });
  assert.ok(Date.now() - t < 5000, `refused after ${Date.now() - t} ms`);
  // Every thread of the pool stuck at once, then answers again.
  await Promise.all(
    [1, 2, 3].map(() => assert.rejects(runJq({}, 'until(false; .)', 'Fn::Jq'), /did not finish within 1000 ms/)),
  );
  assert.deepEqual(await runJq({ a: [1, 2] }, '.a[]', 'ValueSelector'), [1, 2]);
  await assert.rejects(runJq({}, '.[', 'ValueSelector'), /ValueSelector: syntax error/);
});

test('a program that eats memory is refused without taking the process down', async () => {
  await assert.rejects(
    runJq({}, '[range(1e9)]', 'Fn::Jq'),
    /Fn::Jq: jq program (ran out of memory|did not finish within 1000 ms)/,
  );
  await assert.rejects(
    runJq({}, '[limit(1e8; repeat("xxxxxxxx"))]', 'Fn::Jq'),
    /Fn::Jq: jq program (ran out of memory|did not finish within 1000 ms)/,
  );
  await assert.rejects(
    runJq({}, 'limit(1e7; repeat("xxxxxxxx"))', 'Fn::Jq'),
    /Fn::Jq: jq program (ran out of memory|did not finish within 1000 ms|gave more than)/,
  );
  assert.deepEqual(await runJq([3, 4], 'add', 'Fn::Jq'), [7]);
});

test('a parameter value inside Fn::Jq program text reaches jq as data, never as program', async () => {
  const fn = { 'Fn::Jq': ['All', '.[] | select(.name == "{{ who }}") | .id', people] };
  assert.deepEqual(await evaluate(fn, scope({ who: INJECTION })), [2]);
  assert.deepEqual(await evaluate(fn, scope({ who: 'a' })), [1]);
});

test('references in selectors are jq variables: in strings, as values, after a dot', async () => {
  const s = scope({ who: INJECTION, list: ['a'], key: 'name', n: '1' });
  const inString = jqProgram('.[] | select(.name == "{{ who }}") | .id', s);
  assert.equal(inString.text.includes(INJECTION), false, 'the program text holds no parameter value');
  assert.equal(
    inString.toString(),
    `.[] | select(.name == "${INJECTION}") | .id`,
    'messages show the selector as written, filled in',
  );
  assert.deepEqual(await select(people, inString, 'List'), [2]);
  assert.deepEqual(
    await select(people, jqProgram('.[] | select(.name as $n | {{ list }} | index($n) >= 0) | .id', s), 'List'),
    [1],
  );
  assert.deepEqual(await select(people, jqProgram('.[{{ n }}].{{ key }}', s), 'String'), INJECTION);
  assert.deepEqual(
    await select(people, jqProgram('{{ who }}', s), 'String'),
    INJECTION,
    'a whole reference is a value, not a program',
  );
  assert.deepEqual(await select(people, jqProgram('.[0] | "\\(.id)-{{ who }}"', s), 'String'), `1-${INJECTION}`);
  assert.deepEqual(await select({ Id: 'x' }, 'Id', 'String'), 'x', 'plain selectors keep the implicit leading dot');
});
