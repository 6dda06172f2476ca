import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DING_CLIENT_ID, FakeDingTalk } from '../fakes/dingtalk.js';
import type { Target } from '../fakes/target.js';
import { startDingTalkOpsgate } from '../support/dingtalk-opsgate.js';
import { until, type Opsgate } from '../support/harness.js';

type Params = { cardParamMap: Record<string, string> };

/**
 * A person's 1:1 chat with the robot (conversationType '1'): DingTalk takes robot messages there by
 * oToMessages/batchSend, never groupMessages/send, and cards in the IM_ROBOT space of each person.
 */
describe('DingTalk 1:1 chats', () => {
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

  /** Types in the person's 1:1 chat; the text of the next robot message they receive there. */
  const say = async (staffId: string, text: string, match: RegExp) => {
    const seen = fake.inbox(staffId).length;
    fake.robotMessage({ text, senderStaffId: staffId, conversationType: '1' });
    const m = await until(
      () =>
        fake
          .inbox(staffId)
          .slice(seen)
          .find((x) => match.test(x.param.text ?? '')),
      `the answer to ${text}`,
    );
    return m.param.text!;
  };

  test('a command is answered by oToMessages/batchSend to that person, never by groupMessages/send', async () => {
    const groups = fake.groupMessages.length;
    const sessions = fake.sessionMessages.length;
    assert.match(await say('staff-dave', 'help', /opsgate/), /run TEMPLATE/);
    const sent = fake.privateMessages.at(-1)!;
    assert.deepEqual(sent.userIds, ['staff-dave']);
    assert.equal(sent.robotCode, DING_CLIENT_ID);
    assert.equal(sent.msgKey, 'sampleMarkdown');
    assert.equal(fake.groupMessages.length, groups, 'nothing in a group');
    assert.equal(fake.sessionMessages.length, sessions, 'not through the session webhook');
    assert.ok(!fake.apiCalls.some((c) => c.status >= 400), 'DingTalk refused no call');
  });

  test('a run started 1:1: its messages go 1:1; the card reaches the requester and each approver 1:1', async () => {
    fake.removeStaff('staff-carol'); // carol left the organisation: DingTalk no longer knows her userId
    const started = await say('staff-alice', `run two-approvals target=${target.url}`, /exec-/);
    const execId = /exec-[0-9a-f]+/.exec(started)![0];
    const exec = await og.rt.executionStore.get(execId);
    assert.equal(exec.origin.channel, 'oto:staff-alice', 'the channel says it is a 1:1 chat');
    const ticket = await until(
      async () => (await og.rt.executionStore.get(execId)).tasks.approve?.data?.ticketId as string | undefined,
      'the ticket',
    );
    const [outTrackId, card] = await until(
      () => [...fake.cards.entries()].find(([, c]) => (c.create.cardData as Params).cardParamMap.ticketId === ticket),
      'the card',
    );
    assert.equal(card.create.openSpaceId, 'dtv1.card//IM_ROBOT.staff-alice;IM_ROBOT.staff-bob;IM_ROBOT.staff-carol');
    assert.deepEqual(card.create.imRobotOpenDeliverModel, { spaceType: 'IM_ROBOT', robotCode: DING_CLIENT_ID });
    assert.equal(card.create.imGroupOpenDeliverModel, undefined);
    assert.deepEqual(card.spaces, ['IM_ROBOT.staff-alice', 'IM_ROBOT.staff-bob']);
    await until(
      () => fake.inbox('staff-alice').some((m) => (m.param.text ?? '').includes(execId)),
      'the first message',
    );

    // The card that did not reach carol is a failed delivery on the run: `status` shows it.
    const status = await say('staff-alice', `status ${execId}`, /approve|⚠/);
    assert.match(status, new RegExp(`⚠ DingTalk for approval ${ticket} failed: the approval card did not reach carol`));

    fake.cardClick({ outTrackId, userId: 'staff-bob', actionId: 'approve', params: { ticketId: ticket } });
    await until(
      () => /1 of 2/.test((card.updates.at(-1)?.cardData as Params | undefined)?.cardParamMap?.tally ?? ''),
      'the card updated in the 1:1 chats',
    );
    await og.rt.approvals.vote(ticket, og.rt.directory.user('carol'), 'AGREE', undefined, 'api');
    await until(async () => (await og.rt.executionStore.get(execId)).status === 'Success', 'Success');
    await until(() => fake.inbox('staff-alice').some((m) => /Success/.test(m.param.text ?? '')), 'the run’s end, 1:1');
    assert.ok(
      !fake.groupMessages.some((m) => String(m.openConversationId).startsWith('cid-oto-')),
      'no group message to the 1:1 chat',
    );
    assert.ok(!fake.apiCalls.some((c) => c.status === 400 && c.path.includes('groupMessages')), 'no refused route');
  });
  test('a reminder of an approval started 1:1 reaches each pending approver in their own 1:1 chat', async () => {
    const started = await say('staff-alice', `run two-approvals target=${target.url}`, /exec-/);
    const execId = /exec-[0-9a-f]+/.exec(started)![0];
    const ticket = await until(
      async () => (await og.rt.executionStore.get(execId)).tasks.approve?.data?.ticketId as string | undefined,
      'the ticket',
    );
    await until(
      () => [...fake.cards.values()].some((c) => (c.create.cardData as Params).cardParamMap.ticketId === ticket),
      'the card',
    );
    // bob only: carol left the organisation in the test above, DingTalk no longer knows her.
    const seen = fake.inbox('staff-bob').length;
    await og.rt.producer.notify({ kind: 'remind', ticketId: ticket });
    await until(
      () =>
        fake
          .inbox('staff-bob')
          .slice(seen)
          .some((m) => (m.param.text ?? '').includes(`Approval ${ticket}`)),
      'the reminder 1:1 to bob',
    );
    assert.ok(!fake.apiCalls.some((c) => c.status === 400 && c.path.includes('groupMessages')), 'no refused route');
  });
});
