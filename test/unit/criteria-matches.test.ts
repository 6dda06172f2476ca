import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { criteriaProblems, holds } from '../../src/template/criteria.js';

// `matches` runs a template's (or policy's) pattern on values people give: it must be linear time.
const clause = (pattern: string) => ({
  Expression: { Left: 'parameters.name', Operator: 'matches' as const, Right: pattern },
});
const subject = (name: string) => ({ parameters: { name }, outputs: {}, request: {}, context: {} });

test('criteria `matches` on a hostile value ends at once (no backtracking)', () => {
  // In a child process, so that a backtracking engine hangs the child and not the suite.
  const code = `import { holds } from './src/template/criteria.ts';
    const c = { Expression: { Left: 'parameters.name', Operator: 'matches', Right: '^(a+)+$' } };
    console.log(holds(c, { parameters: { name: 'a'.repeat(40) + '!' } }));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(child.signal, null, 'the check did not end (the pattern backtracks)');
  assert.equal(child.stdout.trim(), 'false');
});

test('criteria `matches` searches the value as before, and a pattern RE2 cannot run is a template problem', () => {
  assert.equal(holds(clause('prod'), subject('eu-prod-1')), true);
  assert.equal(holds(clause('^prod$'), subject('eu-prod-1')), false);
  assert.equal(holds(clause('^[a-z]+-\\d$'), subject('prod-1')), true);
  assert.deepEqual(criteriaProblems(clause('prod')), []);
  const [problem] = criteriaProblems(clause('(a)\\1'));
  assert.deepEqual(problem?.path, ['Expression', 'Right']);
  assert.match(problem!.message, /backreferences/);
});
