import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { APP_TOKEN, FakeSlackApi } from '../fakes/slack-api.js';
import { FakeSlackSocket } from '../fakes/slack-socket.js';
import { Target } from '../fakes/target.js';
import { consoleDriver, dingtalkDriver, slackDriver, type ChatDriver } from '../support/chat-drivers.js';
import { FakeDingTalk } from '../fakes/dingtalk.js';
import { dingtalkEnv } from '../support/dingtalk-opsgate.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';
import { startCluster, startSentinel } from '../support/redis-topology.js';
import { CHAT_ADAPTERS } from '../../src/chat/adapters.js';
import type { ChatPlatform } from '../../src/chat/adapters.js';

type Setup = { name: string; setup(): Promise<{ og: Opsgate; driver: ChatDriver; close(): Promise<void> }> };

/** How each platform is driven from outside, per transport: a platform without one does not compile. */
const setups: Record<ChatPlatform, Setup[]> = {
  console: [
    {
      name: 'console',
      async setup() {
        const og = await startOpsgate();
        return { og, driver: consoleDriver(og), close: () => og.close() };
      },
    },
    // The same flow on the other Redis topologies opsgate runs on (the console is the cheapest driver).
    {
      name: 'console on a Redis Cluster',
      async setup() {
        const cluster = await startCluster();
        const og = await startOpsgate({ env: { REDIS_CLUSTER_NODES: cluster.nodesEnv, OPSGATE_QUEUE_SHARDS: '3' } });
        return {
          og,
          driver: consoleDriver(og),
          close: async () => {
            await og.close();
            await cluster.stop();
          },
        };
      },
    },
    {
      name: 'console behind Redis Sentinel',
      async setup() {
        const sentinel = await startSentinel();
        const og = await startOpsgate({
          env: { REDIS_SENTINELS: sentinel.sentinelsEnv, REDIS_SENTINEL_NAME: sentinel.name },
        });
        return {
          og,
          driver: consoleDriver(og),
          close: async () => {
            await og.close();
            await sentinel.stop();
          },
        };
      },
    },
  ],
  slack: [
    {
      name: 'slack over HTTP',
      async setup() {
        const api = await new FakeSlackApi().start();
        const og = await startOpsgate({ slackApiUrl: api.apiUrl });
        return {
          og,
          driver: slackDriver(og, api),
          close: async () => {
            await og.close();
            await api.stop();
          },
        };
      },
    },
    {
      name: 'slack over Socket Mode',
      async setup() {
        const api = await new FakeSlackApi().start();
        const socket = await new FakeSlackSocket().start();
        api.socketUrl = socket.url;
        const og = await startOpsgate({
          slackApiUrl: api.apiUrl,
          env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' },
        });
        await until(() => socket.connections > 0, 'the socket connection');
        return {
          og,
          driver: slackDriver(og, api, socket),
          close: async () => {
            await og.close();
            await socket.stop();
            await api.stop();
          },
        };
      },
    },
  ],
  dingtalk: [
    {
      name: 'dingtalk',
      async setup() {
        const fake = await new FakeDingTalk().start();
        const og = await startOpsgate({
          // DingTalk's people read zh-CN unless the directory says otherwise: checked here in English.
          env: dingtalkEnv(fake),
        });
        await fake.waitForConnections(1);
        return {
          og,
          driver: dingtalkDriver(og, fake),
          close: async () => {
            await og.close();
            await fake.stop();
          },
        };
      },
    },
  ],
};

/** The same chat behaviours, run against every adapter of the registry, over each of its transports. */
const adapters = CHAT_ADAPTERS.flatMap((a) => setups[a.platform]);

for (const adapter of adapters) {
  describe(`chat conformance: ${adapter.name}`, () => {
    let og: Opsgate;
    let chat: ChatDriver;
    let close: () => Promise<void>;
    let target: Target;
    before(async () => {
      target = await new Target().start();
      ({ og, driver: chat, close } = await adapter.setup());
    });
    after(async () => {
      await close();
      await target.stop();
    });

    const ticketOf = (id: string) =>
      until(async () => {
        const e = await og.rt.executionStore.get(id);
        return e.tasks.approve?.data?.ticketId as string | undefined;
      }, 'the ticket');

    const startApproveTwice =
      'start, approve twice with a double click and a non-approver in between, finish; read the ticket';
    test(startApproveTwice, async () => {
      const started = await chat.command('alice', `run two-approvals target=${target.url}`);
      const execId = /exec-[0-9a-f]+/.exec(started)![0];
      const ticket = await ticketOf(execId);
      const card = await until(() => chat.card(ticket), 'the card');
      assert.match(card.text, /0 of 2 approvals/);
      assert.match(card.text, /@bob/);
      assert.ok(card.buttons);
      assert.equal(await chat.press('bob', 'approve', ticket), undefined);
      await until(async () => (await chat.card(ticket))?.text.includes('1 of 2'), 'the tally');
      assert.match((await chat.press('bob', 'approve', ticket))!, /already voted/);
      assert.match((await chat.press('dave', 'approve', ticket))!, /not an approver/);
      // The requester is told why they cannot approve: they started the run, they are no mere outsider.
      const own = (await chat.press('alice', 'approve', ticket))!;
      assert.match(own, /(^|\s)You started this run, so you cannot approve it\.$/);
      assert.match(await chat.command('alice', `approve ${ticket}`), /(^|\s)You started this run, so you cannot/);
      await chat.press('carol', 'approve', ticket);
      await until(async () => {
        const c = await chat.card(ticket);
        return c && !c.buttons && /Approved by bob, carol/.test(c.text);
      }, 'the decided card');
      await until(async () => (await og.rt.executionStore.get(execId)).status === 'Success', 'Success');
      await until(
        async () => (await chat.thread(execId)).some((t) => t.includes('is Success')),
        "the end in the run's thread",
      );
      const detail = await chat.command('dave', `ticket ${ticket}`);
      assert.match(detail, /is approved/);
      assert.match(detail, /approved by bob at/);
      assert.match(detail, /approved by carol at/);
      // Each vote keeps where it was cast, for the audit.
      const platform = adapter.name.split(' ')[0];
      assert.deepEqual((await og.rt.approvals.get(ticket)).votes.map((v) => [v.voter, v.channel]).sort(), [
        ['bob', platform],
        ['carol', platform],
      ]);
    });

    // Only Slack has forms (modals): the test is defined for the adapters that offer them.
    if (adapter.name.startsWith('slack'))
      test('run TEMPLATE alone opens its form; errors show on their fields; a good submit starts it', async () => {
        const forms = chat.forms!;
        const view = await forms.open('alice', 'two-approvals');
        assert.deepEqual(
          view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id),
          ['p-target', 'p-service'],
        );
        assert.deepEqual(await forms.submit('alice', view, { service: 'Billing API!' }), {
          target: 'is required (String)',
        });
        const runsBefore = await og.rt.redis.zcard(og.rt.keys.executionIndex);
        assert.equal(await forms.submit('alice', view, { target: target.url }, 'V-same'), undefined);
        assert.equal(await forms.submit('alice', view, { target: target.url }, 'V-same'), undefined, 'submitted twice');
        const started = await until(
          () => forms.lastPrivate()?.startsWith('Started') && forms.lastPrivate(),
          'the private Started',
        );
        const execId = /exec-[0-9a-f]+/.exec(started)![0];
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(
          await og.rt.redis.zcard(og.rt.keys.executionIndex),
          runsBefore + 1,
          'one run for a form submitted twice',
        );
        assert.equal(
          (await og.rt.executionStore.get(execId)).parameters.service,
          'billing-api',
          'the default filled in',
        );
        await og.rt.executions.cancel(execId);
      });

    test('reject cancels; cancel cancels; list and bad commands answer privately', async () => {
      const a = /exec-[0-9a-f]+/.exec(await chat.command('alice', `run two-approvals target=${target.url}`))![0];
      const ticket = await ticketOf(a);
      await until(() => chat.card(ticket), 'the card');
      await chat.press('carol', 'reject', ticket, 'not during the freeze');
      await until(async () => (await og.rt.executionStore.get(a)).status === 'Cancelled', 'Cancelled');
      if (adapter.name.startsWith('slack')) {
        await until(
          async () => /not during the freeze/.test((await chat.card(ticket))?.text ?? ''),
          'the reason on the card',
        );
        assert.match(await chat.command('dave', `ticket ${ticket}`), /rejected by carol at .*: not during the freeze/);
      }
      const b = /exec-[0-9a-f]+/.exec(await chat.command('alice', `run two-approvals target=${target.url}`))![0];
      await ticketOf(b);
      // Only the starter (or an admin) cancels a run.
      assert.match(
        await chat.command('bob', `cancel ${b}`),
        new RegExp(`only its starter \\(alice\\) and the group admins may cancel or steer execution ${b}\\.$`),
      );
      assert.equal((await og.rt.executionStore.get(b)).status, 'Waiting');
      assert.match(await chat.command('alice', `cancel ${b}`), new RegExp(`Cancelled ${b}`));
      assert.equal((await og.rt.executionStore.get(b)).status, 'Cancelled');
      assert.match(await chat.command('alice', 'list'), /two-approvals v1/);
      assert.match(
        await chat.command('alice', 'frobnicate'),
        /(^|\s)Unknown command "frobnicate"\.\nopsgate commands:/,
      );
      // help comes from the command table: the alias of run, and login only where it means something.
      const help = await chat.command('alice', 'help');
      assert.match(help, /^ {2}run TEMPLATE \[key=value \.\.\.\] \(or: start \.\.\.\) {2}start a runbook$/m);
      if (adapter.name.startsWith('console')) assert.doesNotMatch(help, /\blogin\b/);
      else assert.match(help, /^ {2}login {2}a one-time link that signs you in to the web console$/m);
      assert.match(await chat.command('alice', 'ticket'), /Usage: ticket TICKET_ID/);
    });
  });
}

describe('Slack Socket Mode keeps working across a disconnect', () => {
  test('a disconnect frame makes the client reconnect through apps.connections.open; commands still work', async () => {
    const api = await new FakeSlackApi().start();
    const socket = await new FakeSlackSocket().start();
    api.socketUrl = socket.url;
    const og = await startOpsgate({
      slackApiUrl: api.apiUrl,
      env: { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' },
    });
    try {
      await until(() => socket.connections > 0, 'the first connection');
      socket.disconnect();
      await until(() => socket.connections > 1, 'the reconnection', 20_000);
      assert.equal(api.of('apps.connections.open').length, 2);
      assert.match(await slackDriver(og, api, socket).command('alice', 'list'), /two-approvals/);
    } finally {
      await og.close();
      await socket.stop();
      await api.stop();
    }
  });
});
