import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAccess, createRuntime, type Runtime } from '../../src/bin/runtime.js';
import type { ChatAdapter, ChatAdapterFactory, ChatPorts } from '../../src/chat/adapter.js';
import { CHAT_ADAPTERS, createChatAdapters } from '../../src/chat/adapters.js';
import { Bot } from '../../src/chat/bot.js';
import { loadConfig } from '../../src/bin/config.js';
import { createLogger } from '../../src/log.js';
import { ConsoleChannel } from '../../src/store/console.js';
import { deletePrefix } from '../../src/store/redis.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { REDIS_URL, until } from '../support/harness.js';
import { teamsChat } from '../support/teams-chat.js';

// The adapters are built, never started: DingTalk's addresses have nothing listening. Bolt asks Slack's
// auth.test as soon as its app is built, so Slack gets the loopback fake.
const OFF = 'http://127.0.0.1:9/';
const DINGTALK = {
  DINGTALK_CLIENT_ID: 'ding-id',
  DINGTALK_CLIENT_SECRET: 'ding-secret',
  DINGTALK_GATEWAY_URL: OFF,
  DINGTALK_API_URL: OFF,
};

describe('chat adapters from the registry', () => {
  const prefix = `ogt-${randomBytes(5).toString('hex')}`;
  const runtimes: Runtime[] = [];
  const subscribers: Runtime['redis'][] = [];
  let slackApi: FakeSlackApi;
  let SLACK: Record<string, string>;
  before(async () => {
    slackApi = await new FakeSlackApi().start();
    SLACK = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slackApi.apiUrl };
  });
  after(async () => {
    // Each Slack app built has asked auth.test; its answer must arrive before the fake goes.
    await until(() => slackApi.of('auth.test').length >= 2, "the Slack apps' auth.test");
    await slackApi.stop();
    for (const s of subscribers) s.disconnect();
    if (runtimes[0]) await deletePrefix(runtimes[0].redis, `*${prefix}*`);
    for (const rt of runtimes) await rt.close();
  });

  /** The adapters a configuration turns on, given the same ports startWeb gives them. */
  const adaptersOf = (
    env: Record<string, string>,
    factories: readonly ChatAdapterFactory[] = CHAT_ADAPTERS,
  ): ChatAdapter[] => {
    const config = loadConfig({ REDIS_URL, OPSGATE_KEY_PREFIX: prefix, LOG_LEVEL: 'silent', ...env }, factories);
    const rt = createRuntime(config, REDIS_URL, createLogger(config.logLevel));
    runtimes.push(rt);
    const subscriber = rt.redis.duplicate();
    subscribers.push(subscriber);
    const ports: ChatPorts = {
      config,
      directory: rt.directory,
      log: rt.log,
      publicUrl: 'http://127.0.0.1:3000',
      access: createAccess(rt),
      bot: new Bot({
        templates: rt.templates,
        executions: rt.executions,
        approvals: rt.approvals,
        history: rt.history,
      }),
      console: { channel: new ConsoleChannel(rt.redis, rt.keys), subscriber, eventsKey: rt.keys.consoleEvents },
      home: async () => ({ pending: [], runs: [] }),
      once: async () => true,
      firstDelivery: async () => true,
      approvalLink: async () => 'http://127.0.0.1:3000/approve/x',
    };
    return createChatAdapters(ports, factories);
  };

  let all: ChatAdapter[];
  before(() => {
    all = adaptersOf({ ...SLACK, SLACK_SIGNING_SECRET: 'test-signing-secret', ...DINGTALK });
  });

  test('every platform configured: one adapter each, in registry order, each a whole ChatAdapter', () => {
    assert.deepEqual(
      all.map((a) => a.platform),
      CHAT_ADAPTERS.map((f) => f.platform),
    );
    for (const a of all) {
      assert.ok(a.name.length > 0, `${a.platform} has a name`);
      for (const fn of ['start', 'stop', 'post', 'update'] as const) {
        assert.equal(typeof a[fn], 'function', `${a.platform}.${fn}`);
      }
      for (const r of a.routes) {
        const whole = ['GET', 'POST'].includes(r.method) && r.path instanceof RegExp && typeof r.handle === 'function';
        assert.ok(whole, `${a.platform} route ${String(r.path)}`);
      }
    }
    const routes = (p: string) => all.find((a) => a.platform === p)!.routes.map((r) => `${r.method} ${r.path.source}`);
    assert.deepEqual(routes('slack'), ['POST ^\\/slack\\/events$']);
    assert.deepEqual(routes('dingtalk'), [], 'DingTalk connects out');
    assert.ok(routes('console').includes('GET ^\\/$'));
  });

  test('nothing configured: the console alone', () => {
    assert.deepEqual(
      adaptersOf({}).map((a) => a.platform),
      ['console'],
    );
  });

  test('Slack over Socket Mode answers no route', () => {
    const slack = adaptersOf({ ...SLACK, SLACK_APP_TOKEN: 'xapp-test-token' }).find((a) => a.platform === 'slack')!;
    assert.match(slack.name, /Socket Mode/);
    assert.deepEqual(slack.routes, []);
  });

  test('a platform registered beside the others, unknown to config/, is created with its settings and people', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsgate-teams-'));
    const file = join(dir, 'directory.yaml');
    writeFileSync(file, 'users:\n  alice: { slack: U0001, teams: T1 }\n');
    const withTeams = [...CHAT_ADAPTERS, teamsChat];
    const env = { OPSGATE_DIRECTORY: file, TEAMS_APP_ID: 'app-7', TEAMS_APP_PASSWORD: 'password-7' };
    const on = adaptersOf(env, withTeams);
    assert.deepEqual(
      on.map((a) => a.platform),
      ['console', 'teams'],
    );
    assert.equal(on[1]!.name, 'Teams app app-7 (T1 is alice)');
    assert.deepEqual(
      adaptersOf({ OPSGATE_DIRECTORY: file }, withTeams).map((a) => a.platform),
      ['console'],
    );
  });
});
