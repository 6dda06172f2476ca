import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/bin/config.js';
import { Directory } from '../../src/config/directory.js';
import { operatorLocale } from '../../src/config/env.js';
import { loadPolicies } from '../../src/config/policies.js';
import { parseTemplate } from '../../src/engine/parse.js';
import {
  ConfigError,
  formatProblem,
  messageIn,
  type OpsgateError,
  ParameterError,
  TemplateInvalidError,
} from '../../src/errors.js';
import { render } from '../../src/i18n/index.js';
import { readApproval } from '../../src/template/approve.js';
import { evaluate } from '../../src/template/expressions.js';
import { resolveParameters } from '../../src/template/parameters.js';
import { bindScript } from '../../src/template/shell-script.js';

/**
 * Template and configuration problems come from the message catalogue: the English stays what it was
 * (broken-templates.test.ts and expected.json pin it), and a zh-CN reader reads the same problems, at the
 * same paths, lines and columns, in Chinese.
 */
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'broken');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, string[]>;

function invalid(file: string): TemplateInvalidError {
  try {
    parseTemplate(readFileSync(join(dir, file), 'utf8'), file);
  } catch (err) {
    if (err instanceof TemplateInvalidError) return err;
    throw err;
  }
  throw new Error(`${file} is valid`);
}

function thrown(f: () => unknown): OpsgateError {
  try {
    f();
  } catch (err) {
    return err as OpsgateError;
  }
  throw new Error('nothing thrown');
}

async function rejected(p: Promise<unknown>): Promise<OpsgateError> {
  try {
    await p;
  } catch (err) {
    return err as OpsgateError;
  }
  throw new Error('nothing thrown');
}

describe('template problems in zh-CN', () => {
  it('says each problem of a broken template in Chinese, at the same path, line and column', () => {
    const err = invalid('55-many-task-mistakes.yaml');
    assert.deepEqual(
      err.problems.map((p) => formatProblem(p, 'en').trimStart()),
      expected['55-many-task-mistakes.yaml'],
    );
    assert.deepEqual(
      err.problems.map((p) => formatProblem(p, 'zh-CN')),
      [
        '  Tasks[0].Name（第 4 行，第 11 列）：必须由 1-200 个字母、数字、- 或 _ 组成，实际为 "stop instance"',
        '  Tasks[1].Action（第 9 行，第 5 列）：必填',
        '  Tasks[1].Propertys（第 10 行，第 5 列）：未知的键 Propertys（是否为 Properties？）',
        '  Tasks[0].OnSuccess（第 8 行，第 16 列）：startInstance 不是任务名称、ACS::NEXT 或 ACS::END' +
          '（是否为 startInstances？）',
      ],
    );
  });

  it('renders a whole invalid template in the reader language; its message stays English', () => {
    const err = invalid('64-approve-levels-mistakes.yaml');
    assert.equal(messageIn(err, 'en'), err.message);
    assert.equal(
      err.message,
      `64-approve-levels-mistakes.yaml is invalid:\n${expected['64-approve-levels-mistakes.yaml']!.map(
        (l) => `  ${l}`,
      ).join('\n')}`,
    );
    assert.equal(
      messageIn(err, 'zh-CN'),
      [
        '64-approve-levels-mistakes.yaml 无效：',
        '  Tasks[0].Properties.Levels[0].Approver（第 11 行，第 21 列）：未知的键 Approver（是否为 Approvers？）',
        '  Tasks[0].Properties.Levels[0].Mode（第 10 行，第 17 列）：必须是 ANY 或 ALL，实际为 "SOME"',
        '  Tasks[0].Properties.Timeout（第 7 行，第 16 列）：必须是 ISO-8601 时长，例如 P2D 或 PT4H',
      ].join('\n'),
    );
  });

  it('words problems of the text itself, of references and of the root in Chinese', () => {
    const zh = (file: string) => invalid(file).problems.map((p) => formatProblem(p, 'zh-CN'));
    assert.deepEqual(zh('01-yaml-bad-indentation.yaml'), [
      '  （顶层）（第 5 行，第 13 列）：键必须写在同一行；请检查这一行及上一行的缩进',
    ]);
    assert.deepEqual(zh('44-unknown-parameter-reference.yaml'), [
      '  Tasks[1].Properties.instanceId（第 14 行，第 19 列）：{{ instnaceId }}：没有名为 instnaceId 的参数' +
        '（是否为 instanceId？）',
    ]);
    // A JSON parser's own words stay as it wrote them, inside opsgate's sentence.
    assert.deepEqual(zh('06-json-missing-comma.json'), [
      "  （顶层）（第 3 行，第 3 列）：不是有效的 JSON：Expected ',' or '}' after property value",
    ]);
  });

  it('gives every problem of every broken fixture a catalogue message whose English is the message', () => {
    for (const file of Object.keys(expected)) {
      for (const p of invalid(file).problems) {
        // The engine's own action checks (`needs`) word a few problems themselves.
        if (!p.text) {
          assert.match(p.message, /^is required (with|\(or) /, `${file}: ${p.message} has no catalogue message`);
          continue;
        }
        assert.equal(render(p.text, 'en'), p.message, `${file}: ${p.message}`);
        assert.match(render(p.text, 'zh-CN'), /[\u3400-\u9fff]/, `${file}: ${p.message}`);
      }
    }
  });
});

describe('run-time problems in zh-CN', () => {
  it('a function, a reference and a parameter say what is wrong in the reader language', async () => {
    const split = await rejected(evaluate({ 'Fn::Split': ['', 'a,b'] }, { parameters: {}, outputs: {}, builtins: {} }));
    assert.equal(split.message, 'Fn::Split: the delimiter must not be empty');
    assert.equal(messageIn(split, 'zh-CN'), 'Fn::Split：分隔符不能为空');

    const ref = await rejected(evaluate('{{ ACS::Nope }}', { parameters: {}, outputs: {}, builtins: {} }));
    assert.equal(messageIn(ref, 'zh-CN'), '{{ ACS::Nope }} 在此处不可用');

    const params = await rejected(
      resolveParameters(
        { Parameters: { env: { Type: 'String', AllowedValues: ['dev', 'prod'] }, n: { Type: 'Number' } } },
        { env: 'test', n: 'x', extra: 1 },
      ),
    );
    assert.ok(params instanceof ParameterError);
    assert.equal(
      params.message,
      'extra: unknown parameter (the template takes env, n); env: must be one of dev, prod; ' +
        'n: must be a number, got "x"',
    );
    assert.equal(
      messageIn(params, 'zh-CN'),
      'extra：未知参数（模板的参数有：env, n）；env：必须是以下之一：dev, prod；n：必须是数字，实际为 "x"',
    );
    assert.deepEqual(
      params.fields.map((f) => [f.name, f.problem, f.text && render(f.text, 'zh-CN')]),
      [
        ['extra', 'unknown parameter (the template takes env, n)', '未知参数（模板的参数有：env, n）'],
        ['env', 'must be one of dev, prod', '必须是以下之一：dev, prod'],
        ['n', 'must be a number, got "x"', '必须是数字，实际为 "x"'],
      ],
    );
  });

  it('an approval and a shell script refused at run time say why in Chinese', () => {
    const approval = thrown(() => readApproval({ NotifyType: 'Pager', Approvers: ['bob'] }));
    assert.equal(approval.message, 'NotifyType must be WebHook or Mail, got "Pager"');
    assert.equal(messageIn(approval, 'zh-CN'), 'NotifyType 必须是 WebHook 或 Mail，实际为 "Pager"');

    const script = thrown(() => bindScript("echo '{{ x }}'", () => 'v'));
    assert.match(script.message, /^line 1: \{\{ x \}\} is inside single quotes/);
    assert.equal(
      messageIn(script, 'zh-CN'),
      "第 1 行：{{ x }} 位于单引号内，其中不做任何展开：请在它两侧关闭单引号（'...'\"{{ x }}\"'...'），" +
        '或请改为通过 Env: { VALUE: \'{{ x }}\' } 传入，并在脚本中写 "$VALUE"',
    );
  });
});

describe('configuration problems in the operator language', () => {
  it('names the variable in OPSGATE_LOCALE when it is valid; the message stays English', () => {
    const env = { PORT: 'abc', OPSGATE_LOCALE: 'zh-CN' };
    const err = thrown(() => loadConfig(env));
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, 'PORT must be a port number (got "abc")');
    assert.equal(operatorLocale(env), 'zh-CN');
    assert.equal(messageIn(err, operatorLocale(env)), 'PORT：必须是端口号（实际为 "abc"）');
  });

  it('falls back to English when OPSGATE_LOCALE is not a language opsgate speaks, or is the bad value', () => {
    assert.equal(operatorLocale({ OPSGATE_LOCALE: 'fr' }), 'en');
    assert.equal(operatorLocale({}), 'en');
    const env = { OPSGATE_LOCALE: 'fr' };
    const err = thrown(() => loadConfig(env));
    assert.equal(err.message, 'OPSGATE_LOCALE must be one of en, zh-CN (got "fr")');
    assert.equal(messageIn(err, operatorLocale(env)), err.message);
  });

  it("words zod's own checks and a policy file's problems from the catalogue", () => {
    const user = thrown(() => loadConfig({ OPSGATE_USER: 'u'.repeat(201) }));
    assert.equal(
      user.message,
      `OPSGATE_USER Too big: expected string to have <=200 characters (got "${'u'.repeat(201)}")`,
    );
    assert.equal(
      messageIn(user, 'zh-CN'),
      `OPSGATE_USER：过大：string 应有 <=200 个字符（实际为 "${'u'.repeat(201)}"）`,
    );

    const level = thrown(() => loadConfig({ LOG_LEVEL: 'loud' }));
    assert.match(messageIn(level, 'zh-CN'), /^LOG_LEVEL：选项无效：应为 "fatal"\|"error"\|.*之一（实际为 "loud"）$/);

    const folder = mkdtempSync(join(tmpdir(), 'opsgate-config-'));
    const file = join(folder, 'policies.yaml');
    writeFileSync(file, 'policies:\n  prod:\n    Timeout: PT1H\n');
    const policies = thrown(() => loadPolicies(file));
    const people = join(folder, 'directory.yaml');
    writeFileSync(people, 'users:\n  alice: { slack: 1 }\n');
    const directory = thrown(() => Directory.load(people, ['slack']));
    rmSync(folder, { recursive: true });
    assert.equal(
      directory.message,
      `OPSGATE_DIRECTORY ${people}: users.alice.slack Invalid input: expected string, received number`,
    );
    assert.equal(
      messageIn(directory, 'zh-CN'),
      `OPSGATE_DIRECTORY ${people}：users.alice.slack：输入无效：应为 string，实际为 number`,
    );
    assert.equal(policies.message, `OPSGATE_POLICIES ${file}: policies.prod.Levels is required (or Approvers)`);
    assert.equal(
      messageIn(policies, 'zh-CN'),
      `OPSGATE_POLICIES ${file}：policies.prod.Levels：必填（或填写 Approvers）`,
    );
  });
});
