import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DING_CLIENT_ID, DING_CLIENT_SECRET, FakeDingTalk } from '../fakes/dingtalk.js';
import { Target } from '../fakes/target.js';
import { dingtalkDriver } from '../support/chat-drivers.js';
import { startDingTalkOpsgate } from '../support/dingtalk-opsgate.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';

describe('DingTalk robot: bad frames, expired sessions, a dropped socket', () => {
  let og: Opsgate;
  let fake: FakeDingTalk;
  let target: Target;
  let opsgate: Awaited<ReturnType<typeof startDingTalkOpsgate>>;
  before(async () => {
    fake = await new FakeDingTalk().start();
    opsgate = await startDingTalkOpsgate(fake);
    ({ og, target } = opsgate);
  });
  after(async () => {
    await opsgate.close();
    await fake.stop();
  });

  test('the card @-mentions the approvers by their DingTalk ids and calls back', async () => {
    const chat = dingtalkDriver(og, fake);
    const id = /exec-[0-9a-f]+/.exec(await chat.command('alice', `run two-approvals target=${target.url}`))![0];
    const ticket = await until(
      async () => (await og.rt.executionStore.get(id)).tasks.approve?.data?.ticketId as string | undefined,
      'ticket',
    );
    const card = await until(
      () =>
        [...fake.cards.values()].find(
          (c) => (c.create.cardData as { cardParamMap: Record<string, string> }).cardParamMap.ticketId === ticket,
        ),
      'the card',
    );
    const deliver = card.create.imGroupOpenDeliverModel as { atUserIds?: Record<string, string> };
    assert.deepEqual(Object.keys(deliver.atUserIds ?? {}).sort(), ['staff-bob', 'staff-carol']);
    assert.equal(card.create.callbackType, 'STREAM');
    await og.rt.executions.cancel(id);
  });

  test('malformed frames and unknown topics are ignored; the robot keeps answering', async () => {
    fake.sendRaw('not json at all');
    fake.sendRaw(
      JSON.stringify({
        specVersion: '1.0',
        type: 'CALLBACK',
        headers: { topic: '/v1.0/im/bot/messages/get', messageId: 'm-bad' },
        data: '{oops',
      }),
    );
    fake.callback('/v1.0/some/unknown/topic', { hello: 'world' });
    fake.cardClick({ outTrackId: 'nope', userId: 'staff-bob', actionId: 'approve', params: {} });
    assert.match(await dingtalkDriver(og, fake).command('alice', 'list'), /two-approvals/);
  });

  test('an expired session webhook: the answer goes through the robot OpenAPI instead', async () => {
    fake.expiredSession();
    const before = fake.groupMessages.length;
    fake.robotMessage({ text: '@opsgate help', senderStaffId: 'staff-alice' });
    await until(
      () => fake.groupMessages.slice(before).some((m) => String(m.msgParam).includes('opsgate commands')),
      'the answer by OpenAPI',
    );
  });

  test('`@opsgate login` answers with the sign-in link 1:1, never in the group; the link signs in once', async () => {
    const sessions = fake.sessionMessages.length;
    const groups = fake.groupMessages.length;
    const before = fake.privateMessages.length;
    fake.robotMessage({ text: '@opsgate login', senderStaffId: 'staff-bob' });
    const sent = await until(
      () => fake.privateMessages.slice(before).find((m) => String(m.msgParam).includes('/login/')),
      'the link sent 1:1',
    );
    assert.deepEqual(sent.userIds, ['staff-bob']);
    assert.ok(
      !JSON.stringify([...fake.sessionMessages.slice(sessions), ...fake.groupMessages.slice(groups)]).includes(
        '/login/',
      ),
      'nothing of it in the group',
    );
    const link = /(http:\/\/[^\s"\\]+\/login\/[A-Za-z0-9_-]+)/.exec(String(sent.msgParam))![1]!;
    const used = await fetch(link, { method: 'POST', redirect: 'manual' });
    assert.equal(used.status, 303);
    const cookie = used.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal(
      ((await (await fetch(`${og.url}/console/state`, { headers: { cookie } })).json()) as { me: string }).me,
      'bob',
    );
  });

  test('a dropped socket reconnects through the gateway and no vote is lost', async () => {
    const chat = dingtalkDriver(og, fake);
    const execId = /exec-[0-9a-f]+/.exec(await chat.command('alice', `run two-approvals target=${target.url}`))![0];
    const ticket = await until(
      async () => (await og.rt.executionStore.get(execId)).tasks.approve?.data?.ticketId as string | undefined,
      'ticket',
    );
    await until(() => chat.card(ticket), 'the card');
    const connections = fake.connections;
    fake.dropSocket();
    await fake.waitForConnections(connections + 1, 10_000);
    // DingTalk's QPS limit answers the next card update with 429: the update is retried, not lost.
    fake.rateLimitNext('/v1.0/card/instances');
    await chat.press('bob', 'approve', ticket);
    await until(async () => /1 of 2/.test((await chat.card(ticket))?.text ?? ''), 'the card at 1 of 2 after the 429');
    assert.ok(fake.apiCalls.some((c) => c.status === 429));
    await chat.press('carol', 'approve', ticket);
    await until(async () => (await og.rt.executionStore.get(execId)).status === 'Success', 'Success');
    const c = await chat.card(ticket);
    assert.equal(c!.buttons, false);
    assert.match(c!.text, /Approved by bob, carol/);
  });
});

describe('DingTalk without a card template', () => {
  const theApprovalIs =
    "the approval is an actionCard whose buttons open each approver's own signed link, and the link votes";
  test(theApprovalIs, async () => {
    const target = await new Target().start();
    const fake = await new FakeDingTalk().start();
    const og = await startOpsgate({
      env: {
        DINGTALK_CLIENT_ID: DING_CLIENT_ID,
        DINGTALK_CLIENT_SECRET: DING_CLIENT_SECRET,
        DINGTALK_GATEWAY_URL: fake.gatewayUrl,
        DINGTALK_API_URL: fake.base,
        DINGTALK_OAPI_URL: fake.base,
      },
    });
    try {
      await fake.waitForConnections(1);
      const chat = dingtalkDriver(og, fake);
      const execId = /exec-[0-9a-f]+/.exec(await chat.command('alice', `run two-approvals target=${target.url}`))![0];
      const card = await until(
        () => fake.groupMessages.find((m) => String(m.msgKey).startsWith('sampleActionCard')),
        'the actionCard',
      );
      const param = JSON.parse(String(card.msgParam)) as Record<string, string>;
      // DingTalk speaks zh-CN unless the message says its readers read another language.
      assert.deepEqual([param.actionTitle1, param.actionTitle2], ['以 bob 身份审批', '以 carol 身份审批']);
      for (const [n, who] of [
        ['1', 'bob'],
        ['2', 'carol'],
      ] as const) {
        const url = param[`actionURL${n}`]!.replace(/^http:\/\/[^/]+/, og.url);
        const r = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'decision=approve',
        });
        assert.equal(r.status, 200, `${who} approved from the link`);
      }
      await until(async () => (await og.rt.executionStore.get(execId)).status === 'Success', 'Success');
    } finally {
      await og.close();
      await fake.stop();
      await target.stop();
    }
  });
});
