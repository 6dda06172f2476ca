import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionCatalog } from '../../src/engine/actions/registry.js';
import { parseTemplate } from '../../src/engine/parse.js';
import { TemplateInvalidError } from '../../src/errors.js';
import { propertiesProblems } from '../../src/template/action-problems.js';

// A misspelt property is one mistake: its "did you mean" is carried as data, and the missing key it
// meant is not reported again, whatever the wording of either problem.

const task = (action: string, props: string) =>
  `FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: t\n    Action: ${action}\n    Properties:\n${props}`;

function problems(content: string): string[] {
  try {
    parseTemplate(content, 'template');
  } catch (err) {
    if (err instanceof TemplateInvalidError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

test('a misspelt key says what was meant, and the key it meant is not also "required"', () => {
  assert.deepEqual(problems(task('ACS::Sleep', '      Duraton: PT1M\n')), [
    'Tasks[0].Properties.Duraton: unknown key Duraton (did you mean Duration?)',
  ]);
  const found = propertiesProblems(actionCatalog, 'ACS::Sleep', { Duraton: 'PT1M' });
  assert.deepEqual(
    found.map((p) => [p.path, p.meant]),
    [[['Duraton'], 'Duration']],
  );
  // Needed keys that no typo explains are still reported.
  assert.deepEqual(problems(task('ACS::Sleep', '      Other: 1\n')).length, 2);
});
