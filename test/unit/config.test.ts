import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/bin/config.js';
import { Directory } from '../../src/config/directory.js';
import { dingtalkEnv } from '../../src/chat/dingtalk/env.js';
import { slackEnv } from '../../src/chat/slack/env.js';

test('defaults of CONTRACT.md', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.host, '127.0.0.1');
  assert.deepEqual(c.templateDirs, ['./runbooks']);
  assert.equal(c.redisUrl, undefined);
  assert.equal(c.platforms.settings(slackEnv), undefined);
  assert.equal(c.keyPrefix, 'opsgate');
});

test('a bad value stops start-up with one line naming the variable', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /^PORT must be a port number \(got "abc"\)$/],
    [{ PORT: '70000' }, /^PORT /],
    [{ REDIS_URL: 'not a url' }, /^REDIS_URL must be a URL$/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /^SLACK_SIGNING_SECRET is required when Slack is configured/],
    [{ SLACK_BOT_TOKEN: 'nope', SLACK_SIGNING_SECRET: 's' }, /^SLACK_BOT_TOKEN must start with xoxb-$/],
    [{ OPSGATE_KEY_PREFIX: 'a:b' }, /^OPSGATE_KEY_PREFIX must be/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (e: Error) => message.test(e.message) && !e.message.includes('\n'),
      JSON.stringify(env),
    );
  }
});

test('secrets are never echoed in a configuration error', () => {
  assert.throws(
    () => loadConfig({ SLACK_BOT_TOKEN: 'secret-token-value', SLACK_SIGNING_SECRET: 's' }),
    (e: Error) => !e.message.includes('secret-token-value'),
  );
  assert.throws(
    () => loadConfig({ OPSGATE_SECRET: 'short' }),
    (e: Error) => !e.message.includes('short"'),
  );
});

test('an empty variable counts as unset', () => {
  assert.equal(loadConfig({ PORT: '', REDIS_URL: '' }).port, 3000);
});

test('the directory maps chat ids to people and expands groups', () => {
  const d = new Directory(
    {
      users: { alice: { slack: 'U1', groups: ['sre'] }, bob: { slack: 'U2' } },
      groups: { sre: ['bob'] },
    },
    loadConfig({}).platforms.people,
  );
  assert.equal(d.byPlatform('slack', 'U2')?.name, 'bob');
  assert.equal(d.byPlatform('slack', 'U3'), undefined);
  assert.deepEqual(d.members('sre').sort(), ['alice', 'bob']);
  assert.throws(() => Directory.load('test/fixtures/no-such-directory.yaml'), /OPSGATE_DIRECTORY/);
});

test('retention is an ISO 8601 duration of at least a second; the archive URL is never echoed', () => {
  assert.equal(loadConfig({}).retentionMs, 30 * 24 * 3600 * 1000);
  assert.equal(loadConfig({ OPSGATE_RETENTION: 'PT1S' }).retentionMs, 1000);
  assert.equal(loadConfig({ OPSGATE_RETENTION: 'P1DT12H' }).retentionMs, 36 * 3600 * 1000);
  for (const bad of ['PT0.5S', '30', '30 days', 'P'])
    assert.throws(
      () => loadConfig({ OPSGATE_RETENTION: bad }),
      /OPSGATE_RETENTION must be an ISO 8601 duration of at least PT1S, such as P30D \(got "/,
    );
  assert.equal(loadConfig({}).archiveUrl, undefined);
  const url = 'postgres://audit:s3cret@db.internal:5432/opsgate';
  assert.equal(loadConfig({ OPSGATE_ARCHIVE_URL: url }).archiveUrl, url);
  assert.throws(
    () => loadConfig({ OPSGATE_ARCHIVE_URL: 'mysql://audit:s3cret@db' }),
    (e: Error) => /^OPSGATE_ARCHIVE_URL must be a postgres:\/\/ URL$/.test(e.message) && !e.message.includes('s3cret'),
  );
});

test("DingTalk's waits before sending again to people it held back: ISO 8601, default 1 and 5 minutes", () => {
  const on = { DINGTALK_CLIENT_ID: 'id', DINGTALK_CLIENT_SECRET: 'secret' };
  assert.deepEqual(loadConfig(on).platforms.settings(dingtalkEnv)?.retryDelaysMs, [60_000, 300_000]);
  const short = loadConfig({ ...on, DINGTALK_RETRY_AFTER: 'PT2S, PT0.5S' });
  assert.deepEqual(short.platforms.settings(dingtalkEnv)?.retryDelaysMs, [2000, 500]);
  for (const bad of ['60', 'PT1M,', 'soon'])
    assert.throws(
      () => loadConfig({ ...on, DINGTALK_RETRY_AFTER: bad }),
      /DINGTALK_RETRY_AFTER must be ISO 8601 durations separated by commas, such as PT1M,PT5M/,
    );
});

test('OPSGATE_ACCESS_KEYS: user:AccessKeyId:AccessKeySecret; a bad or repeated one is named, never echoed', () => {
  const c = loadConfig({
    OPSGATE_ACCESS_KEYS: ' alice:LTAI5tAlice0001:alice-secret-0123456789 , bob:LTAI5tBob02:bob-secret-0123456789ab',
  });
  assert.deepEqual(Object.fromEntries(c.accessKeys), {
    LTAI5tAlice0001: { user: 'alice', secret: 'alice-secret-0123456789' },
    LTAI5tBob02: { user: 'bob', secret: 'bob-secret-0123456789ab' },
  });
  assert.equal(loadConfig({}).accessKeys.size, 0);
  const refused: [string, RegExp][] = [
    ['alice:LTAI5tAlice0001:short-secret', /^OPSGATE_ACCESS_KEYS must be user:AccessKeyId:AccessKeySecret triples/],
    ['alice:alice-secret-0123456789', /^OPSGATE_ACCESS_KEYS must be/],
    ['alice:LTAI5t1:alice-secret-0123456789,bob:LTAI5t1:bob-secret-0123456789ab', /the AccessKeyId LTAI5t1 twice/],
  ];
  for (const [value, message] of refused)
    assert.throws(
      () => loadConfig({ OPSGATE_ACCESS_KEYS: value }),
      (e: Error) => message.test(e.message) && !e.message.includes('secret-0123456789') && !e.message.includes('short'),
      value,
    );
});
