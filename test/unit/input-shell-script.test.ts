import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TemplateInvalidError } from '../../src/errors.js';
import { parseTemplate } from '../../src/engine/parse.js';
import { bindScript, scanScript, ShellScriptError } from '../../src/template/shell-script.js';

const kinds = (script: string) => scanScript(script).map((r) => r.placement.kind);
const bound = (script: string) => bindScript(script, (ref) => `value of ${ref}`);

describe('where a {{ }} reference stands in a shell script', () => {
  test('a word, or part of one, becomes a quoted expansion; inside double quotes a bare one', () => {
    assert.deepEqual(bound('echo {{ a }} --name={{b}}'), {
      script: 'echo "${OPSGATE_ARG_1}" --name="${OPSGATE_ARG_2}"',
      env: { OPSGATE_ARG_1: 'value of a', OPSGATE_ARG_2: 'value of b' },
    });
    assert.equal(bound('echo "hello {{ a }}!"').script, 'echo "hello ${OPSGATE_ARG_1}!"');
    assert.equal(bound('echo "it\\"s {{ a }}"').script, 'echo "it\\"s ${OPSGATE_ARG_1}"');
  });

  test('$(...) is a script of its own, in or out of double quotes', () => {
    assert.deepEqual(kinds('x=$(echo {{a}}) y="$(printf %s "{{b}}" {{c}})"'), ['quoted', 'bare', 'quoted']);
    assert.equal(bound('echo "$(echo "{{a}}")"').script, 'echo "$(echo "${OPSGATE_ARG_1}")"');
  });

  test('single quotes, backticks, ${...} and $((...)) are refused with how to write it', () => {
    assert.deepEqual(kinds("echo '{{a}}' \"'{{b}}'\" '\"{{c}}\"'"), ['refused', 'bare', 'refused']);
    const [single] = scanScript("echo 'say {{ msg }}'");
    assert.equal(
      single!.placement.kind === 'refused' && single!.placement.message,
      `{{ msg }} is inside single quotes, where nothing is expanded: close them around it ('...'"{{ msg ` +
        `}}"'...'), or pass it as Env: { VALUE: '{{ msg }}' } and write "$VALUE"`,
    );
    assert.deepEqual(kinds('echo `echo {{a}}` "`echo {{b}}`"'), ['refused', 'refused']);
    assert.deepEqual(kinds('echo ${x:-{{a}}} $(( {{b}} + 1 )) {{c}}'), ['refused', 'refused', 'quoted']);
    assert.throws(
      () => bound("echo ok\necho '{{a}}'"),
      (e: Error) => e instanceof ShellScriptError && /^line 2: \{\{ a \}\} is inside single quotes/.test(e.message),
    );
  });

  test('here-documents: an unquoted body expands once, a quoted one is refused', () => {
    assert.equal(
      bound('cat <<EOF\nhello {{ a }} "x"\nEOF\necho {{ b }}').script,
      'cat <<EOF\nhello ${OPSGATE_ARG_1} "x"\nEOF\necho "${OPSGATE_ARG_2}"',
    );
    assert.deepEqual(kinds('cat <<\'EOF\'\n{{ a }}\nEOF\ncat <<"X"\n{{ b }}\nX\ncat <<\\Y\n{{ c }}\nY\necho {{ d }}'), [
      'refused',
      'refused',
      'refused',
      'quoted',
    ]);
    assert.deepEqual(kinds('cat <<-EOF; cat <<B\n\t{{ a }} $(echo {{ b }})\n\tEOF\n{{ c }}\nB\n{{ d }}'), [
      'bare',
      'quoted',
      'bare',
      'quoted',
    ]);
    assert.deepEqual(kinds('cat <<<{{a}}'), ['quoted']);
  });

  test('comments and escapes do not open quotes', () => {
    assert.deepEqual(kinds("echo don\\'t {{a}} # it's {{b}}\necho {{c}}"), ['quoted', 'bare', 'quoted']);
    assert.deepEqual(kinds('echo a#b {{a}}'), ['quoted']);
  });

  test('values that are not text are JSON; a NUL is refused', () => {
    assert.deepEqual(bindScript('echo {{a}} {{b}}', (r) => (r === 'a' ? { k: [1] } : 7)).env, {
      OPSGATE_ARG_1: '{"k":[1]}',
      OPSGATE_ARG_2: '7',
    });
    assert.throws(() => bindScript('echo {{a}}', () => 'a\0b'), /NUL/);
  });

  test('validate names each reference a script cannot take, with the line in the script', () => {
    const template = (script: unknown) =>
      JSON.stringify({
        FormatVersion: 'OOS-2019-06-01',
        Parameters: { msg: { Type: 'String' } },
        Tasks: [{ Name: 'sh', Action: 'Opsgate::RunShellScript', Properties: { Script: script } }],
      });
    const problems = (script: unknown) => {
      try {
        parseTemplate(template(script));
        return [];
      } catch (err) {
        assert.ok(err instanceof TemplateInvalidError);
        return err.problems.map((p) => `${p.path}: ${p.message}`);
      }
    };
    assert.deepEqual(problems('echo "{{ msg }}" {{ msg }}\ncat <<EOF\n{{ msg }}\nEOF'), []);
    assert.deepEqual(problems('echo hi\necho `echo {{ msg }}`'), [
      'Tasks[0].Properties.Script: line 2 of the script: {{ msg }} is inside backticks, whose text the shell ' +
        'parses again: use $(...) instead of `...`',
    ]);
    assert.match(problems({ 'Fn::Join': ['', ['echo ', '{{ msg }}']] })[0]!, /must be one string/);
  });
});
