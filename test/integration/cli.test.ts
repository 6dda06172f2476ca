import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { deletePrefix } from '../../src/store/redis.js';
import { REDIS_URL, startOpsgate } from '../support/harness.js';

/** The environment of an operator's shell: no locale or opsgate variable but those given. */
function shell(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(LANG|LANGUAGE|LC_\w+|OPSGATE_\w+|REDIS_URL)$/.test(k)) env[k] = v;
  return { ...env, LOG_LEVEL: 'silent', ...extra };
}

/** `opsgate ARGS` as an operator runs it: its exit code and what it printed. */
function opsgate(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/bin/cli.ts', ...args],
      { env: shell(env), timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const BROKEN = 'FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: pause\n    Properties:\n      Duration: PT1M\n';
const GOOD =
  'FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: nap\n    Action: ACS::Sleep\n    Properties: { Duration: PT0S }\n';

describe('the opsgate command', () => {
  let dir: string;
  const prefix = `ogcli-${randomBytes(5).toString('hex')}`;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-cli-'));
    writeFileSync(join(dir, 'broken.yaml'), BROKEN);
    writeFileSync(join(dir, 'fine.yaml'), GOOD);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    await deletePrefix(redis, `*${prefix}*`);
    redis.disconnect();
  });

  test('an unknown command is named before the usage, and fails', async () => {
    const r = await opsgate(['frobnicate']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^opsgate: unknown command: frobnicate\nusage: opsgate <command>\n/);
    const zh = await opsgate(['frobnicate'], { LANG: 'zh_CN.UTF-8' });
    assert.notEqual(zh.code, 0);
    assert.match(zh.stderr, /^opsgate: 未知命令 frobnicate\n用法：opsgate <command>\n/);
    assert.match(zh.stderr, /validate PATH\.\.\. \[--json\] \[--twins\] +检查模板/);
  });

  test('help is the usage, in the operator language, and succeeds', async () => {
    const r = await opsgate(['help']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^usage: opsgate <command>\n {2}start {26}bot, HTTP server and worker in one process/);
    const zh = await opsgate(['--help'], { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' });
    assert.equal(zh.code, 0);
    assert.match(zh.stderr, /^用法：opsgate <command>/);
  });

  test('OPSGATE_LOCALE comes before LANG', async () => {
    const r = await opsgate(['frobnicate'], { LANG: 'zh_CN.UTF-8', OPSGATE_LOCALE: 'en' });
    assert.match(r.stderr, /^opsgate: unknown command: frobnicate\n/);
    const zh = await opsgate(['frobnicate'], { LANG: 'en_US.UTF-8', OPSGATE_LOCALE: 'zh-CN' });
    assert.match(zh.stderr, /^opsgate: 未知命令 frobnicate\n/);
  });

  test('validate says a path does not exist, without a raw system error', async () => {
    const r = await opsgate(['validate', 'nosuchdir']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr, 'opsgate: nosuchdir: no such file or folder\n');
    assert.doesNotMatch(r.stdout + r.stderr, /ENOENT|\n\s+at /);
    const zh = await opsgate(['validate', 'nosuchdir'], { LANG: 'zh_CN.UTF-8' });
    assert.notEqual(zh.code, 0);
    assert.equal(zh.stderr, 'opsgate: nosuchdir：文件或文件夹不存在\n');
  });

  test('validate reports each file and the summary in the operator language', async () => {
    const en = await opsgate(['validate', dir]);
    assert.equal(en.code, 1);
    assert.match(en.stdout, /^FAIL .*broken\.yaml\n {7}Tasks\[0\]\.Action \(line 3, column 5\): /m);
    assert.match(en.stdout, /^ok {3}.*fine\.yaml$/m);
    assert.match(en.stdout, /\n2 templates: 1 valid, 1 invalid\n$/);
    const zh = await opsgate(['validate', dir], { LANG: 'zh_CN.UTF-8' });
    assert.equal(zh.code, 1);
    assert.match(zh.stdout, /^失败 .*broken\.yaml$/m);
    assert.match(zh.stdout, /^通过 .*fine\.yaml$/m);
    assert.match(zh.stdout, /\n共 2 个模板：1 个有效，1 个无效\n$/);
  });

  test('run of a template whose file is invalid says so and lists its problems', async () => {
    const env = { REDIS_URL, OPSGATE_KEY_PREFIX: prefix, OPSGATE_TEMPLATES: dir };
    const r = await opsgate(['run', 'broken'], env);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, /does not exist/);
    assert.match(
      r.stderr,
      /opsgate: InvalidTemplate: template broken is invalid \(.*broken\.yaml\):\n {2}Tasks\[0\]\.Action/,
    );
    const zh = await opsgate(['run', 'broken'], { ...env, LANG: 'zh_CN.UTF-8' });
    assert.equal(zh.code, 1);
    assert.match(zh.stderr, /opsgate: InvalidTemplate: 模板 broken 无效（.*broken\.yaml）：\n {2}Tasks\[0\]\.Action/);
  });

  test('run of a template that is nowhere says it does not exist, in the operator language', async () => {
    const env = { REDIS_URL, OPSGATE_KEY_PREFIX: prefix, OPSGATE_TEMPLATES: dir };
    const r = await opsgate(['run', 'nosuch'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /opsgate: EntityNotExists\.Template: template nosuch does not exist\n$/);
    const zh = await opsgate(['run', 'nosuch'], { ...env, LANG: 'zh_CN.UTF-8' });
    assert.match(zh.stderr, /opsgate: EntityNotExists\.Template: 模板 nosuch 不存在\n$/);
    const usage = await opsgate(['run', 'fine', 'oops'], { ...env, LANG: 'zh_CN.UTF-8' });
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /opsgate: InvalidParameter: "oops" 不是 key=value 形式\n$/);
  });

  test('run of a template file no bot has loaded yet says so, not that it does not exist', async () => {
    const env = { REDIS_URL, OPSGATE_KEY_PREFIX: prefix, OPSGATE_TEMPLATES: dir };
    const r = await opsgate(['run', 'fine'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /opsgate: EntityNotExists\.Template: template fine is in .*fine\.yaml but not loaded: /);
  });

  test('run hello, in a shell that knows neither PORT nor PUBLIC_URL, checks the server where it listens', async () => {
    // As a new user does it: `PORT=3917 npm start` in one shell, `opsgate run hello` in another.
    const og = await startOpsgate({ env: { OPSGATE_TEMPLATES: 'runbooks' } });
    try {
      const { PORT: _port, PUBLIC_URL: _url, ...env } = og.env;
      const r = await opsgate(['run', 'hello'], env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /hello v1 is Success/);
      assert.doesNotMatch(r.stdout + r.stderr, /:3000/);
    } finally {
      await og.close();
    }
  });

  test('run follows the execution and describes its end in the operator language', async () => {
    const og = await startOpsgate({ env: { OPSGATE_TEMPLATES: dir } });
    try {
      const en = await opsgate(['run', 'fine'], og.env);
      assert.equal(en.code, 0, en.stderr);
      assert.match(en.stderr, /^exec-[0-9a-f]+ (Queued|Running|Success)/m);
      assert.match(en.stdout, /^✅ exec-[0-9a-f]+: fine v1 is Success\n {2}✅ nap Success\n$/);
      const zh = await opsgate(['run', 'fine'], { ...og.env, LANG: 'zh_CN.UTF-8' });
      assert.equal(zh.code, 0, zh.stderr);
      assert.match(zh.stderr, /^exec-[0-9a-f]+ (排队中|运行中|成功)/m);
      assert.match(zh.stdout, /^✅ 执行 exec-[0-9a-f]+：fine v1 成功\n {2}✅ 任务 nap 成功\n$/);
    } finally {
      await og.close();
    }
  });

  test('audit options are checked at once, in the operator language', async () => {
    const r = await opsgate(['audit', '--bogus', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^opsgate: InvalidParameter: --bogus: not an option of audit \(usage: opsgate audit /);
    const zh = await opsgate(['audit', '--since', 'yesterday'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(zh.code, 1);
    assert.match(zh.stderr, /^opsgate: InvalidParameter: --since yesterday：不是日期/);
  });
});
