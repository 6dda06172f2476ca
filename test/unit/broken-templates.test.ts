import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TemplateInvalidError, type TemplateProblem } from '../../src/errors.js';
import { parseTemplate } from '../../src/engine/parse.js';

/**
 * Every template in test/fixtures/broken has deliberate mistakes; expected.json lists, for each file,
 * the problems the validator must report, in order, as `path (line L, column C): message`.
 */
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'broken');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, string[]>;
const fixtures = readdirSync(dir)
  .filter((f) => f !== 'expected.json' && /\.(ya?ml|json)$/.test(f))
  .sort();

function format(p: TemplateProblem): string {
  const at = p.line ? ` (line ${p.line}${p.column ? `, column ${p.column}` : ''})` : '';
  return `${p.path || '(root)'}${at}: ${p.message}`;
}

function problems(file: string): string[] {
  try {
    parseTemplate(readFileSync(join(dir, file), 'utf8'), file);
  } catch (err) {
    if (err instanceof TemplateInvalidError) return err.problems.map(format);
    throw err;
  }
  return [];
}

test('there are at least 45 broken templates, each with an expected entry', () => {
  assert.ok(fixtures.length >= 45, `only ${fixtures.length} fixtures`);
  assert.ok(fixtures.filter((f) => f.endsWith('.json')).length >= 8, 'at least 8 JSON fixtures');
  assert.deepEqual(
    fixtures.filter((f) => !(f in expected)),
    [],
    'fixtures without an entry in expected.json',
  );
  assert.deepEqual(
    Object.keys(expected).filter((f) => !fixtures.includes(f)),
    [],
    'entries in expected.json without a fixture',
  );
});

for (const file of fixtures) {
  test(`broken template ${file}`, () => {
    const want = expected[file];
    assert.ok(want && want.length > 0, `${file} must expect at least one problem`);
    assert.deepEqual(problems(file), want);
  });
}
