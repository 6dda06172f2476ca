import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeDingTalk } from '../fakes/dingtalk.js';
import { Target } from '../fakes/target.js';
import { dingtalkEnv } from '../support/dingtalk-opsgate.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';

type Params = { cardParamMap: Record<string, string> };
type SessionBody = { markdown?: { text?: string }; at?: { atUserIds?: string[] } };

const env = (fake: FakeDingTalk, template?: string) => dingtalkEnv(fake, template ?? null);

/** Starts two-approvals from the group as alice; the new execution's id (from whatever message names it first). */
async function startRun(og: Opsgate, fake: FakeDingTalk, target: Target): Promise<{ execId: string; ticket: string }> {
  const traffic = () => JSON.stringify([fake.sessionMessages, fake.groupMessages]).match(/exec-[0-9a-f]+/g) ?? [];
  const known = new Set(traffic());
  fake.robotMessage({ text: `@opsgate run two-approvals target=${target.url}`, senderStaffId: 'staff-alice' });
  const execId = await until(() => traffic().find((id) => !known.has(id)), 'the new run');
  const ticket = await until(
    async () => (await og.rt.executionStore.get(execId)).tasks.approve?.data?.ticketId as string | undefined,
    'the ticket',
  );
  return { execId, ticket };
}

/**
 * The robot OpenAPI @-mentions nobody (robot-message-type: its msgParam has no `at`); only a session
 * webhook's `at.atUserIds` notifies. Reminders go there while the group's latest one is valid, else
 * 1:1 to each pending approver, with the card into their 1:1 chat.
 */
describe('DingTalk @-mentions with a card template', () => {
  let og: Opsgate;
  let fake: FakeDingTalk;
  let target: Target;
  before(async () => {
    target = await new Target().start();
    fake = await new FakeDingTalk().start();
    og = await startOpsgate({ env: env(fake, 'tpl-approval') });
    await fake.waitForConnections(1);
  });
  after(async () => {
    await og.close();
    await fake.stop();
    await target.stop();
  });

  test('the card @-mentions the approvers by name; the group session is kept in Redis until it expires', async () => {
    const { execId, ticket } = await startRun(og, fake, target);
    const card = await until(
      () => [...fake.cards.values()].find((c) => (c.create.cardData as Params).cardParamMap.ticketId === ticket),
      'the card',
    );
    const deliver = card.create.imGroupOpenDeliverModel as { atUserIds?: Record<string, string> };
    assert.deepEqual(deliver.atUserIds, { 'staff-bob': 'bob', 'staff-carol': 'carol' });
    assert.equal((card.create.cardData as Params).cardParamMap.pending, '@bob @carol');
    const key = `${og.prefix}:chat:dingtalk:session:cid-group-1`;
    const ttl = await og.rt.redis.pttl(key);
    assert.ok(ttl > 18 * 60_000 && ttl <= 20 * 60_000, `kept until the webhook expires (${ttl} ms)`);
    assert.match(JSON.parse((await og.rt.redis.get(key))!).url, /\/robot\/sendBySession\?session=/);
    await og.rt.executions.cancel(execId);
  });

  test('a reminder @-mentions those still pending through the session webhook while it is valid', async () => {
    const { execId, ticket } = await startRun(og, fake, target);
    await og.rt.approvals.vote(ticket, og.rt.directory.user('bob'), 'AGREE', undefined, 'api');
    const seen = fake.sessionMessages.length;
    await og.rt.producer.notify({ kind: 'remind', ticketId: ticket });
    const sent = await until(
      () =>
        fake.sessionMessages
          .slice(seen)
          .find((m) => ((m.body as SessionBody).markdown?.text ?? '').includes(`Approval ${ticket}`)),
      'the reminder through the session webhook',
    );
    const body = sent.body as SessionBody;
    assert.equal(sent.conversationId, 'cid-group-1');
    assert.deepEqual(body.at?.atUserIds, ['staff-carol'], 'only carol is still pending');
    assert.match(body.markdown!.text!, /^@staff-carol /, 'DingTalk notifies the @userId written in the text');
    await og.rt.executions.cancel(execId);
  });

  test('once the session expired, the reminder goes 1:1 to each pending approver, with the card', async () => {
    const { execId, ticket } = await startRun(og, fake, target);
    const outTrackId = await until(
      () =>
        [...fake.cards.entries()].find(([, c]) => (c.create.cardData as Params).cardParamMap.ticketId === ticket)?.[0],
      'the card',
    );
    fake.expiredSession();
    const [bob, carol, sessions] = [
      fake.inbox('staff-bob').length,
      fake.inbox('staff-carol').length,
      fake.sessionMessages.length,
    ];
    const groups = fake.groupMessages.length;
    await og.rt.producer.notify({ kind: 'remind', ticketId: ticket });
    for (const [staff, seen] of [
      ['staff-bob', bob],
      ['staff-carol', carol],
    ] as const) {
      await until(
        () =>
          fake
            .inbox(staff)
            .slice(seen)
            .some((m) => (m.param.text ?? '').includes(`Approval ${ticket}`)),
        `the reminder 1:1 to ${staff}`,
      );
      await until(
        () => fake.cardsIn(`IM_ROBOT.${staff}`).some(([id]) => id === outTrackId),
        `the card 1:1 to ${staff}`,
      );
    }
    const group = await until(
      () => fake.groupMessages.slice(groups).find((m) => String(m.msgParam).includes(`Approval ${ticket}`)),
      'the reminder in the group',
    );
    assert.match(JSON.parse(String(group.msgParam)).text, /^@bob @carol /, 'names where no one is notified');
    assert.equal(fake.sessionMessages.length, sessions, 'the expired session took nothing');
    await og.rt.executions.cancel(execId);
  });
});

describe('DingTalk @-mentions without a card template', () => {
  let og: Opsgate;
  let fake: FakeDingTalk;
  let target: Target;
  before(async () => {
    target = await new Target().start();
    fake = await new FakeDingTalk().start();
    og = await startOpsgate({ env: env(fake) });
    await fake.waitForConnections(1);
  });
  after(async () => {
    await og.close();
    await fake.stop();
    await target.stop();
  });

  test('the approval @-mentions the approvers through the session webhook beside its actionCard', async () => {
    const seen = fake.sessionMessages.length;
    const { execId, ticket } = await startRun(og, fake, target);
    await until(
      () =>
        fake.groupMessages.find(
          (m) => String(m.msgKey).startsWith('sampleActionCard') && String(m.msgParam).includes(`Approval ${ticket}`),
        ),
      'the actionCard',
    );
    const mention = await until(
      () =>
        fake.sessionMessages
          .slice(seen)
          .find((m) => ((m.body as SessionBody).markdown?.text ?? '').includes(`Approval ${ticket}`)),
      'the @-mention',
    );
    assert.deepEqual((mention.body as SessionBody).at?.atUserIds, ['staff-bob', 'staff-carol']);
    await og.rt.executions.cancel(execId);
  });

  test('without a valid session, each approver gets their own link 1:1', async () => {
    fake.expiredSession();
    const bob = fake.inbox('staff-bob').length;
    const { execId, ticket } = await startRun(og, fake, target);
    const own = await until(
      () =>
        fake
          .inbox('staff-bob')
          .slice(bob)
          .find((m) => m.msgKey === 'sampleActionCard' && (m.param.title ?? '').includes(ticket)),
      "bob's own link",
    );
    const r = await fetch(own.param.singleURL!.replace(/^http:\/\/[^/]+/, og.url));
    assert.equal(r.status, 200);
    assert.match(await r.text(), /bob/);
    fake.freshSessions();
    await og.rt.executions.cancel(execId);
  });
});
