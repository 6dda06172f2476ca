import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { ParameterError, TemplateInvalidError } from '../../src/errors.js';
import { resolveParameters } from '../../src/template/parameters.js';
import { parseTemplate } from '../../src/engine/parse.js';
import type { ParameterDef } from '../../src/template/schema.js';

const one = (def: Omit<ParameterDef, 'Type'>) => ({ Parameters: { p: { Type: 'String', ...def } as ParameterDef } });
async function refusal(def: Omit<ParameterDef, 'Type'>, value: string): Promise<string> {
  try {
    await resolveParameters(one(def), { p: value });
  } catch (err) {
    assert.ok(err instanceof ParameterError, `expected ParameterError, got ${(err as Error).message}`);
    return err.message;
  }
  assert.fail(`${JSON.stringify(value)} was accepted`);
}
const accepts = async (def: Omit<ParameterDef, 'Type'>, value: string) =>
  assert.deepEqual(await resolveParameters(one(def), { p: value }), { p: value });

describe('AllowedPattern on untrusted values', () => {
  test('a catastrophic-backtracking pattern refuses its attack value at once', () => {
    // In a child process, so that a backtracking engine hangs the child and not the suite.
    const code =
      `import { resolveParameters } from './src/template/parameters.ts';
      const def = { Parameters: { p: { Type: 'String', AllowedPattern: '^(a+)+$' } } };
      resolveParameters(def, { p: 'a'.repeat(40) + '!' })` +
      `.then(() => console.log('accepted'), (e) => console.log(e.message));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(child.signal, null, 'the check did not end (the pattern backtracks)');
    assert.match(child.stdout, /p: must match \^\(a\+\)\+\$/);
  });

  test('MinLength and MaxLength are checked before the pattern', async () => {
    assert.equal(
      await refusal({ AllowedPattern: '^[a-z]+$', MaxLength: 5 }, 'ABCDEFGHIJ'),
      'p: must be at most 5 characters',
    );
    assert.equal(await refusal({ AllowedPattern: '^[a-z]+$', MinLength: 3 }, 'A'), 'p: must be at least 3 characters');
  });

  test('the pattern must match the whole value, as in OOS', async () => {
    assert.match(await refusal({ AllowedPattern: '[a-z]+' }, 'abc!'), /must match \[a-z\]\+ \(the whole value\)/);
    assert.match(await refusal({ AllowedPattern: 'd-[A-Za-z0-9]*' }, 'xd-abc'), /must match/);
    await accepts({ AllowedPattern: '[a-z]+' }, 'abc');
    await accepts({ AllowedPattern: '(^2[0-9]$)|(^[3-9]\\d$)|(^[1-4]\\d{2}$)|500$' }, '500');
    assert.match(
      await refusal({ AllowedPattern: '(^2[0-9]$)|(^[3-9]\\d$)|(^[1-4]\\d{2}$)|500$' }, '1500'),
      /must match/,
    );
  });

  test('lookaround at the edges (as the public templates use it) behaves as in JavaScript', async () => {
    const patterns = [
      '^(?=.*[0-9].*)(?=.*[A-Z].*)(?=.*[a-z].*)[a-zA-Z][0-9a-zA-Z_@#$]{7,}$',
      '^(?!\\.|\\-)(?!.*\\.\\.|.*\\-\\-)(?!.*_).*(?<!\\.|\\-)$',
      '^(?![a-zA-Z]+$)(?![A-Z0-9]+$)(?![A-Z\\W_]+$)(?![a-z0-9]+$)(?![a-z\\W_]+$)(?![0-9\\W_]+$)[a-zA-Z0-9\\W_]{8,}$',
      '^[^"$`\'\\s]+$',
      '^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-])*([a-zA-Z0-9])$',
      '^$|^\\w+\\=\\S+(\\s\\w+\\=\\S+)*$',
    ];
    const values = [
      '',
      'a',
      'Passw0rd',
      'passw0rd',
      'PASSWORD1',
      'Pa1',
      'aB3_@#$xyz',
      '.abc',
      'abc.',
      'a..b',
      'a-b',
      'a--b',
      'a_b',
      'ab-',
      'abc.def',
      'Abcdefg!',
      'abcdefg1',
      'ABCDEFG1',
      'Abcdefg1',
      '12345678',
      '!!!!!!!!',
      'a=b c=d',
      'a=b',
      'x y',
      "it's",
      'host-1',
      '-host',
    ];
    for (const pattern of patterns) {
      const js = new RegExp(`^(?:${pattern})$`);
      for (const value of values) {
        const ours = await resolveParameters(one({ AllowedPattern: pattern }), { p: value }).then(
          () => true,
          () => false,
        );
        assert.equal(ours, js.test(value), `${pattern} on ${JSON.stringify(value)}`);
      }
    }
  });

  test('a pattern RE2 cannot run is a template error at validate time, with its path and line', () => {
    const template = (pattern: string) =>
      `FormatVersion: OOS-2019-06-01\nParameters:\n  name:\n    Type: String\n    AllowedPattern: '` +
      `${pattern}'\nTasks:\n  - Name: t\n    Action: ACS::Sleep\n    Properties: { Duration: PT1S }\n`;
    const problems = (pattern: string) => {
      try {
        parseTemplate(template(pattern));
      } catch (err) {
        assert.ok(err instanceof TemplateInvalidError);
        return err.problems.map((p) => `${p.path} (line ${p.line}): ${p.message}`);
      }
      assert.fail(`${pattern} was accepted`);
    };
    assert.deepEqual(problems('^(a)\\1$'), [
      'Parameters.name.AllowedPattern (line 5): backreferences (\\1, \\k<name>) cannot be matched in linear ' +
        'time; write the pattern without them',
    ]);
    assert.match(problems('^a(?=b)b$')[0]!, /lookaround .* is only supported at the start of the pattern/);
    assert.match(problems('^[a-z$')[0]!, /\^\[a-z\$ is not a valid pattern: missing closing \]/);
    assert.doesNotThrow(() => parseTemplate(template('^(?=.*\\d)[\\w-]+(?<!-)$')));
  });
});
