import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { SlackSender } from '../fakes/slack-client.js';
import { slackDriver } from '../support/chat-drivers.js';
import { Target } from '../fakes/target.js';
import { SIGNING_SECRET, sleep, startOpsgate, until, type Opsgate } from '../support/harness.js';

type Blocks = {
  type: string;
  text?: { text: string };
  elements?: { text?: string | { text: string }; action_id?: string; value?: string }[];
}[];

const blocksText = (blocks: Blocks) => JSON.stringify(blocks);
const actionsOf = (blocks: Blocks) => blocks.find((b) => b.type === 'actions')?.elements ?? [];

describe('Slack: start a runbook, approve it with two buttons, watch it finish', () => {
  let fake: FakeSlackApi;
  let target: Target;
  let og: Opsgate;
  let slack: SlackSender;

  before(async () => {
    fake = await new FakeSlackApi().start();
    target = await new Target().start();
    og = await startOpsgate({ slackApiUrl: fake.apiUrl });
    slack = new SlackSender(`${og.url}/slack/events`, SIGNING_SECRET, fake.base);
  });
  after(async () => {
    await og.close();
    await fake.stop();
    await target.stop();
  });

  const replies = () => fake.of('response_url').map((r) => String(r.text));
  const cardPost = (ticket: string) =>
    fake.of('chat.postMessage').find((m) => m.blocks && blocksText(m.blocks as Blocks).includes(`approval-${ticket}`));
  const lastCardUpdate = (ts: string) =>
    fake
      .of('chat.update')
      .filter((m) => m.ts === ts)
      .at(-1);

  test('two approvals: the card, the tally after each click, the decided card, the last task once', async () => {
    const hitsBefore = target.hits.length;
    const r = await slack.command('U0001', `run two-approvals target=${target.url} service=billing-api`);
    assert.equal(r.status, 200);
    const started = await until(
      () => replies().find((t) => t.startsWith('Started two-approvals v1 as exec-')),
      'the private "Started" reply',
    );
    const execId = /exec-[0-9a-f]+/.exec(started)![0];

    // The run's first message, then the card in the same channel, @-mentioning both approvers.
    const first = await until(
      () => fake.of('chat.postMessage').find((m) => String(m.text).includes(execId) && !m.thread_ts),
      'the first message',
    );
    assert.equal(first.channel, 'C0001');
    const ticketId =
      (await og.rt.tickets.executionOf('1')) === execId
        ? '1'
        : await until(async () => {
            for (let i = 1; i < 50; i++) if ((await og.rt.tickets.executionOf(String(i))) === execId) return String(i);
            return undefined;
          }, 'the ticket');
    const card = await until(() => cardPost(ticketId), 'the approval card');
    assert.equal(card.channel, 'C0001');
    assert.equal(card.thread_ts, undefined, 'the card is posted in the channel, not in the thread');
    const blocks = card.blocks as Blocks;
    assert.match(blocksText(blocks), /Waiting for <@U0002> <@U0003>/);
    assert.match(blocksText(blocks), /0 of 2 approvals/);
    assert.deepEqual(
      actionsOf(blocks).map((b) => [b.action_id, b.value]),
      [
        ['approve', ticketId],
        ['reject', ticketId],
      ],
    );
    assert.equal((await og.rt.executionStore.get(execId)).status, 'Waiting');

    const message = {
      channel: 'C0001',
      ts: String(await until(async () => og.rt.tickets.card(ticketId, 'slack'), 'card ref')),
    };

    // Bob approves: the card shows 1 of 2 and still waits for Carol, even though Slack first
    // answers the update with 429 (Retry-After is honoured and the update sent again).
    fake.rateLimitNext('chat.update', 1);
    assert.equal((await slack.click('U0002', 'approve', ticketId, message)).status, 200);
    const one = await until(() => {
      const u = lastCardUpdate(message.ts);
      return u && blocksText(u.blocks as Blocks).includes('1 of 2') && u;
    }, 'the card at 1 of 2');
    assert.ok(
      fake.calls.some((c) => c.method === 'chat.update (rate limited)'),
      'the first update was rate limited',
    );
    assert.match(blocksText(one.blocks as Blocks), /Waiting for <@U0003>/);
    assert.equal(actionsOf(one.blocks as Blocks).length, 2);

    // Bob again, and Dave (not an approver): private answers, nothing changes.
    const updatesBefore = fake.of('chat.update').length;
    await slack.click('U0002', 'approve', ticketId, message);
    await until(() => replies().some((t) => t.includes('already voted')), 'the double-click answer');
    await slack.click('U0004', 'approve', ticketId, message);
    await until(() => replies().some((t) => t.includes('not an approver')), 'the non-approver answer');
    await slack.click('U0004', 'reject', ticketId, message);
    const ticket = await og.rt.tickets.get(ticketId);
    assert.equal(ticket.approvals, 1);
    assert.equal(ticket.status, 'AUDITING');
    assert.deepEqual(
      ticket.votes.map((v) => v.voter),
      ['bob'],
    );
    await sleep(200);
    assert.equal(fake.of('chat.update').length, updatesBefore, 'no card update for presses that changed nothing');

    // Carol approves: the card is decided and its buttons are gone; the execution finishes.
    await slack.click('U0003', 'approve', ticketId, message);
    const decided = await until(() => {
      const u = lastCardUpdate(message.ts);
      return u && !actionsOf(u.blocks as Blocks).length && u;
    }, 'the decided card');
    assert.match(blocksText(decided.blocks as Blocks), /Approved by bob, carol/);
    assert.match(blocksText(decided.blocks as Blocks), /2 of 2 approvals/);
    const done = await until(async () => {
      const e = await og.rt.executionStore.get(execId);
      return e.status === 'Success' && e;
    }, 'Success');
    assert.deepEqual(done.outputs, { answer: `hit ${hitsBefore + 1}` });

    // A late click changes nothing; the last task ran exactly once, with its idempotency key.
    await slack.click('U0003', 'approve', ticketId, message);
    await until(() => replies().some((t) => t.includes('already approved')), 'the late-click answer');
    await sleep(300);
    const hits = target.hits.slice(hitsBefore);
    assert.equal(hits.length, 1);
    assert.deepEqual(hits[0]!.body, { service: 'billing-api', execution: execId });
    assert.equal(hits[0]!.idempotencyKey, `${execId}/deploy`);

    // Only the first message is in the channel: progress is one line in its thread, edited as tasks
    // go, and the end is told there too.
    const threadPosts = fake.of('chat.postMessage').filter((m) => m.thread_ts === first.ts);
    const progress = threadPosts[0]!;
    assert.match(String(progress.text), /tasks/);
    const edits = await until(() => {
      const u = fake
        .of('chat.update')
        .filter((x) => x.ts === progress.ts)
        .map((x) => String(x.text));
      return u.some((t) => /2\/2 tasks/.test(t)) && u;
    }, 'the progress line at 2/2');
    assert.ok(
      [String(progress.text), ...edits].some((t) => /now approve \(waiting for approval/.test(t)),
      `the line said what it waited for: ${JSON.stringify(edits)}`,
    );
    await until(
      () => fake.of('chat.postMessage').some((m) => m.thread_ts === first.ts && String(m.text).includes('is Success')),
      'the end in the thread',
    );
    assert.equal(
      fake.of('chat.postMessage').filter((m) => !m.thread_ts && String(m.text).includes(execId)).length,
      1,
      'one message in the channel for the run',
    );
  });

  test('a rejection cancels the execution and the card says who rejected', async () => {
    const hitsBefore = target.hits.length;
    const repliesBefore = replies().length;
    await slack.command('U0001', `run two-approvals target=${target.url}`);
    const execId = /exec-[0-9a-f]+/.exec(
      await until(
        () =>
          replies()
            .slice(repliesBefore)
            .find((t) => t.startsWith('Started')),
        'started',
      ),
    )![0];
    const exec = await until(async () => {
      const e = await og.rt.executionStore.get(execId);
      return e.status === 'Waiting' && e;
    }, 'Waiting');
    const ticketId = String(exec.tasks.approve!.data!.ticketId);
    const ts = await until(() => og.rt.tickets.card(ticketId, 'slack'), 'card');
    // Reject asks why (a modal); the reason goes with the vote.
    await slackDriver(og, fake).press('carol', 'reject', ticketId, 'change freeze');
    const cancelled = await until(async () => {
      const e = await og.rt.executionStore.get(execId);
      return e.status === 'Cancelled' && e;
    }, 'Cancelled');
    assert.match(cancelled.statusMessage ?? '', /rejected: carol: change freeze/);
    const decided = await until(() => {
      const u = lastCardUpdate(ts);
      return u && !actionsOf(u.blocks as Blocks).length && u;
    }, 'the decided card');
    assert.match(blocksText(decided.blocks as Blocks), /Rejected by carol: change freeze/);
    await slack.click('U0002', 'approve', ticketId, { channel: 'C0001', ts });
    await until(() => replies().some((t) => t.includes('already rejected')), 'answer to a vote after the rejection');
    await sleep(200);
    assert.equal(target.hits.length, hitsBefore, 'the task after the approval never ran');
  });

  test('a forged signature and a stale timestamp get 401 and change nothing', async () => {
    const executionsBefore = await og.rt.redis.zcard(og.rt.keys.executionIndex);
    const callsBefore = fake.calls.length;
    const body = slack.slashBody('U0001', `run two-approvals target=${target.url}`);
    const forged = await slack.post(body, { ...slack.sign(body), 'x-slack-signature': `v0=${'0'.repeat(64)}` });
    assert.equal(forged.status, 401);
    const tampered = await slack.post(body.replace('U0001', 'U0002'), slack.sign(body));
    assert.equal(tampered.status, 401);
    const stale = await slack.post(body, slack.sign(body, Math.floor(Date.now() / 1000) - 600));
    assert.equal(stale.status, 401);
    const unsigned = await slack.post(body, {});
    assert.equal(unsigned.status, 401);
    await sleep(300);
    assert.equal(await og.rt.redis.zcard(og.rt.keys.executionIndex), executionsBefore);
    assert.equal(fake.calls.length, callsBefore);
  });

  test('an unknown template, a missing parameter or a bad command answers with what was wrong', async () => {
    const before = replies().length;
    const forms = fake.of('views.open').length;
    await slack.command('U0001', 'run nope');
    await slack.command('U0001', `run two-approvals target=${target.url} colour=blue`);
    await slack.command('U0001', 'frobnicate');
    await slack.command('U0001', 'run two-approvals target');
    const answers = await until(() => {
      const r = replies().slice(before);
      return r.length >= 4 && r;
    }, 'four answers');
    assert.match(answers.find((a) => a.includes('nope'))!, /template nope does not exist\nUsage: run TEMPLATE/);
    // A required parameter missing: the form opens with what was given filled in.
    await slack.command('U0001', 'run two-approvals service=api');
    const view = await until(
      () =>
        fake.of('views.open')[forms]?.view as
          | { blocks: { block_id?: string; element?: { initial_value?: string } }[] }
          | undefined,
      'the form',
    );
    assert.equal(view.blocks.find((b) => b.block_id === 'p-service')!.element!.initial_value, 'api');
    assert.ok(answers.some((a) => /colour: unknown parameter \(the template takes target, service\)/.test(a)));
    assert.ok(answers.some((a) => /Unknown command "frobnicate"[\s\S]*run TEMPLATE/.test(a)));
    assert.ok(answers.some((a) => /"target" is not key=value/.test(a)));
    for (const a of answers) assert.doesNotMatch(a, /at .*\.ts:\d+/, 'no stack traces');
  });

  test('App Home shows the approvals waiting for the person, with their buttons', async () => {
    const before = replies().length;
    await slack.command('U0001', `run two-approvals target=${target.url}`);
    const execId = /exec-[0-9a-f]+/.exec(
      await until(
        () =>
          replies()
            .slice(before)
            .find((t) => t.startsWith('Started')),
        'started',
      ),
    )![0];
    const exec = await until(async () => {
      const e = await og.rt.executionStore.get(execId);
      return e.status === 'Waiting' && e;
    }, 'Waiting');
    const ticketId = String(exec.tasks.approve!.data!.ticketId);
    const event = JSON.stringify({
      type: 'event_callback',
      team_id: 'T0001',
      api_app_id: 'A0001',
      event_id: 'Ev1',
      event_time: 1700000000,
      event: { type: 'app_home_opened', user: 'U0002', channel: 'D0002', tab: 'home', event_ts: '1700000000.1' },
      authorizations: [{ team_id: 'T0001', user_id: 'UBOT', is_bot: true }],
    });
    const r = await slack.post(event, { ...slack.sign(event), 'content-type': 'application/json' });
    assert.equal(r.status, 200);
    const home = await until(() => fake.of('views.publish').find((c) => c.user_id === 'U0002'), 'views.publish');
    const text = JSON.stringify(home.view);
    assert.match(text, new RegExp(`approval-${ticketId}`));
    assert.match(text, /Approvals waiting for you/);
    await og.rt.executions.cancel(execId);
  });

  test('a Slack user without a Slack id in the directory is known by the e-mail of their profile', async () => {
    const before = replies().length;
    await slack.command('U0005', `run two-approvals target=${target.url}`);
    assert.match(await until(() => replies().slice(before)[0], 'answer'), /^Started two-approvals/);
    assert.ok(fake.of('users.info').some((c) => c.user === 'U0005'));
  });

  test('someone not in the directory can start nothing that needs approval', async () => {
    const before = replies().length;
    await slack.command('U9999', `run two-approvals target=${target.url}`);
    const answer = await until(() => replies().slice(before)[0], 'answer');
    assert.match(answer, /not in the opsgate directory/);
  });
});
