import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/bin/config.js';
import { createRuntime, startStepWorker, type Runtime } from '../../src/bin/runtime.js';
import { startWeb } from '../../src/bin/web.js';
import { createLogger } from '../../src/log.js';
import { deletePrefix } from '../../src/store/redis.js';
import { FakeDingTalk } from '../fakes/dingtalk.js';
import { Target } from '../fakes/target.js';
import { dingtalkEnv } from '../support/dingtalk-opsgate.js';
import { REDIS_URL, until } from '../support/harness.js';

/**
 * People DingTalk holds back (its per-person flow control) are sent to again by a delayed job on the notify
 * queue, not by a timer of the bot process: a bot stopped and started again in between still sends.
 */
describe('DingTalk retries of held-back people survive a restart of the bot', () => {
  let fake: FakeDingTalk;
  let target: Target;
  const prefix = `ogt-${randomBytes(5).toString('hex')}`;
  const env = (fake: FakeDingTalk) => ({
    REDIS_URL,
    OPSGATE_KEY_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OPSGATE_TEMPLATES: 'test/fixtures/runbooks',
    ...dingtalkEnv(fake, null),
    // Long enough for the first bot to stop before the first retry; short for the test.
    DINGTALK_RETRY_AFTER: 'PT2S,PT0.3S',
  });
  const runtimes: Runtime[] = [];
  let connections = 0;
  /** A bot process (web, chat adapters, notify worker) and a step worker on the shared prefix. */
  const startBot = async () => {
    const config = loadConfig(env(fake));
    const rt = createRuntime(config, REDIS_URL, createLogger(config.logLevel));
    runtimes.push(rt);
    const web = await startWeb(rt);
    const worker = startStepWorker(rt);
    await fake.waitForConnections(++connections);
    return {
      rt,
      async stop() {
        await worker.close();
        await web.close();
      },
    };
  };

  before(async () => {
    target = await new Target().start();
    fake = await new FakeDingTalk().start();
  });
  after(async () => {
    const rt = runtimes[0];
    if (rt) await deletePrefix(rt.redis, `*${prefix}*`);
    for (const r of runtimes) await r.close();
    await fake.stop();
    await target.stop();
  });

  /** alice starts a run in her 1:1 chat; each approver gets their own approval link 1:1 (no card template). */
  const start = async (bot: { rt: Runtime }) => {
    const seen = fake.inbox('staff-alice').length;
    fake.robotMessage({
      text: `run two-approvals target=${target.url}`,
      senderStaffId: 'staff-alice',
      conversationType: '1',
    });
    const started = await until(
      () =>
        fake
          .inbox('staff-alice')
          .slice(seen)
          .find((m) => /exec-[0-9a-f]+/.test(m.param.text ?? '')),
      'the answer',
    );
    const exec = /exec-[0-9a-f]+/.exec(started.param.text!)![0];
    const ticket = await until(
      async () => (await bot.rt.executionStore.get(exec)).tasks.approve?.data?.ticketId as string | undefined,
      'the ticket',
    );
    return { exec, ticket };
  };
  const linksTo = (staffId: string, ticket: string) =>
    fake.privateMessages.filter(
      (m) =>
        (m.userIds as string[]).includes(staffId) &&
        String(m.msgParam).includes(`/approve/`) &&
        String(m.msgParam).includes(`approve ${ticket}`),
    );
  const gotLink = (staffId: string, ticket: string) =>
    fake.inbox(staffId).some((m) => (m.param.text ?? '').includes(`approve ${ticket}`) && !!m.param.singleURL);

  test('held back twice: the bot stops and a new one starts before the retries, and the person gets it', async () => {
    const first = await startBot();
    fake.flowControlNext('staff-bob', 2);
    const { exec, ticket } = await start(first);
    await until(() => linksTo('staff-bob', ticket).length === 1, 'the first try to bob');
    await until(() => gotLink('staff-carol', ticket), 'carol got hers at once');
    assert.ok(!gotLink('staff-bob', ticket), 'bob was held back');
    await first.stop();

    const second = await startBot();
    await until(() => gotLink('staff-bob', ticket), 'bob got his link from the second bot', 15_000);
    assert.equal(linksTo('staff-bob', ticket).length, 3, 'the first try and two retries');
    assert.equal(linksTo('staff-carol', ticket).length, 1, 'carol was not sent to again');
    assert.deepEqual(await second.rt.executionStore.deliveries(exec), [], 'nothing failed');
    await second.stop();
  });

  test('held back past the last retry: recorded on the execution as before, after a restart too', async () => {
    const first = await startBot();
    fake.flowControlNext('staff-bob', 5);
    const { exec, ticket } = await start(first);
    await until(() => linksTo('staff-bob', ticket).length === 1, 'the first try to bob');
    await first.stop();

    const second = await startBot();
    const [failure] = await until(
      async () => {
        const d = await second.rt.executionStore.deliveries(exec);
        return d.length ? d : undefined;
      },
      'the failure recorded',
      15_000,
    );
    assert.equal(
      failure!.message,
      'DingTalk held back the message to bob (too many messages to them), also after 2 retries',
    );
    assert.equal(failure!.ticketId, ticket);
    assert.equal(linksTo('staff-bob', ticket).length, 3);
    assert.ok(!gotLink('staff-bob', ticket));
    fake.flowControlNext('staff-bob', 0);
    await second.stop();
  });
});
