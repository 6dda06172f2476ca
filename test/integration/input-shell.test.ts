import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runShellScript } from '../../src/engine/actions/run-shell-script.js';
import type { ActionContext } from '../../src/engine/actions/types.js';
import { TemplateInvalidError } from '../../src/errors.js';
import { bindScript, ShellScriptError } from '../../src/template/shell-script.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'opsgate-shell-'));
const pwned = join(dir, 'PWNED');
/** Values that would run `touch PWNED` if they became shell code anywhere. */
const hostile = [
  `$(touch ${pwned})`,
  `\`touch ${pwned}\``,
  `'; touch ${pwned}; '`,
  `"; touch ${pwned}; "`,
  `x\ntouch ${pwned}\n`,
  `' "$(touch ${pwned})" '`,
  `\\"; touch ${pwned}; #`,
  '*',
  '  two  spaces  ',
  '${HOME}',
  `EOF\ntouch ${pwned}`,
];

/** Each accepted context: the Script, and what the script prints for a value. */
const accepted: [string, string, (v: string) => string][] = [
  ['a bare word', 'printf %s {{ v }}', (v) => v],
  ['part of a word', 'printf %s --name={{ v }}.', (v) => `--name=${v}.`],
  ['double quotes', 'printf %s "<{{ v }}>"', (v) => `<${v}>`],
  ['$(...)', 'printf %s "$(printf %s {{ v }}; echo .)"', (v) => `${v}.`],
  ['double quotes in $(...)', 'x=$(printf "%s" "[{{ v }}]"; echo .); printf %s "$x"', (v) => `[${v}].`],
  ['unquoted here-document', 'cat <<EOF\n<{{ v }}>\nEOF', (v) => `<${v}>\n`],
  ['$(...) in an unquoted here-document', 'cat <<EOF\n$(printf %s {{ v }}; echo .)\nEOF', (v) => `${v}.\n`],
];
const refused: [string, string][] = [
  ['single quotes', "printf %s '{{ v }}'"],
  ['single quotes in double quotes in $(...)', `printf %s "$(echo '{{ v }}')"`],
  ['backticks', 'printf %s `printf %s {{ v }}`'],
  ['quoted here-document', "cat <<'EOF'\n{{ v }}\nEOF"],
  ['${...}', 'printf %s "${x:-{{ v }}}"'],
  ['$((...))', 'echo $(( {{ v }} + 1 ))'],
];

const run = (properties: Record<string, unknown>) =>
  runShellScript.run({ properties, idempotencyKey: 'exec/task' } as unknown as ActionContext);

describe('Opsgate::RunShellScript: a reference value never runs as shell code', () => {
  let og: Opsgate;
  before(async () => {
    og = await startOpsgate();
  });
  after(async () => {
    await og.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('in every context it accepts, real /bin/sh sees the exact value and runs none of it', async () => {
    for (const [where, script, expected] of accepted) {
      for (const v of hostile) {
        const { script: text, env } = bindScript(script, () => v);
        const outcome = await run({ Script: text, ScriptArguments: env });
        assert.equal(outcome.kind, 'success', `${where} with ${JSON.stringify(v)}: ${JSON.stringify(outcome)}`);
        assert.equal(
          outcome.kind === 'success' && (outcome.result as { Stdout: string }).Stdout,
          expected(v),
          `${where} with ${JSON.stringify(v)}`,
        );
        assert.equal(existsSync(pwned), false, `${where} with ${JSON.stringify(v)} ran code`);
      }
    }
  });

  test('contexts where a value would not be inserted as data are refused, at validate and at run', async () => {
    for (const [where, script] of refused) {
      assert.throws(() => bindScript(script, () => hostile[0]), ShellScriptError, where);
      const content = JSON.stringify({
        FormatVersion: 'OOS-2019-06-01',
        Parameters: { v: { Type: 'String' } },
        Tasks: [{ Name: 'sh', Action: 'Opsgate::RunShellScript', Properties: { Script: script } }],
      });
      await assert.rejects(
        og.rt.templates.put('refused-shell', content),
        (e: Error) => e instanceof TemplateInvalidError && /Tasks\[0\]\.Properties\.Script/.test(e.message),
        where,
      );
    }
  });

  test('through the engine: a hostile parameter in double quotes and a here-document is printed, not run', async () => {
    const v = `"; touch ${pwned}; "$(touch ${pwned})'\`touch ${pwned}\``;
    await og.rt.templates.put(
      'shell-refs',
      [
        'FormatVersion: OOS-2019-06-01',
        'Parameters:',
        '  msg: { Type: String }',
        'Tasks:',
        '  - Name: say',
        '    Action: Opsgate::RunShellScript',
        '    Properties:',
        '      Script: |',
        '        printf "%s|" "{{ msg }}" {{ msg }}',
        '        cat <<EOF',
        '        {{ msg }}',
        '        EOF',
        '    Outputs:',
        '      out: { Type: String, ValueSelector: .Stdout }',
      ].join('\n'),
    );
    const { id } = await og.rt.executions.start({
      templateName: 'shell-refs',
      parameters: { msg: v },
      owner: 'alice',
      origin: { platform: 'api' },
    });
    const e = await until(async () => {
      const x = await og.rt.executionStore.get(id);
      return ['Success', 'Failed'].includes(x.status) && x;
    }, 'the run to end');
    assert.equal(e.status, 'Success', e.statusMessage);
    assert.equal(e.tasks.say!.outputs!.out, `${v}|${v}|${v}\n`);
    assert.equal(existsSync(pwned), false);
  });
});
