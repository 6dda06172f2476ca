import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { SlackSender } from '../fakes/slack-client.js';
import { Target } from '../fakes/target.js';
import { SIGNING_SECRET, startOpsgate, until, type Opsgate } from '../support/harness.js';

const CJK = /[\u3400-\u9fff]/;

/**
 * Each person reads opsgate in their own language: their private answers in theirs, and everything a run
 * posts in its channel (first message, progress, card, end) in the language of who started it.
 */
describe('chat in the reader language (Slack)', () => {
  let fake: FakeSlackApi;
  let target: Target;
  let og: Opsgate;
  let slack: SlackSender;

  before(async () => {
    fake = await new FakeSlackApi().start();
    target = await new Target().start();
    og = await startOpsgate({
      slackApiUrl: fake.apiUrl,
      env: { OPSGATE_DIRECTORY: 'test/fixtures/i18n/directory.yaml' },
    });
    slack = new SlackSender(`${og.url}/slack/events`, SIGNING_SECRET, fake.base);
  });
  after(async () => {
    await og.close();
    await fake.stop();
    await target.stop();
  });

  const replies = () => fake.of('response_url').map((r) => String(r.text));
  /** Types a command as a Slack user; their private answer. */
  const command = async (user: string, text: string) => {
    const before = replies().length;
    await slack.command(user, text);
    return until(() => replies()[before], `the answer to ${text}`);
  };
  /** Presses a card button; the private answer, if any comes. */
  const press = async (user: string, action: 'approve' | 'reject', ticket: string) => {
    const before = replies().length;
    const card = cardOf(ticket)!;
    await slack.click(user, action, ticket, { channel: 'C0001', ts: String(card.ts) });
    await new Promise((r) => setTimeout(r, 200));
    return replies()[before];
  };
  const cardOf = (ticket: string) =>
    fake.of('chat.postMessage').find((m) => JSON.stringify(m.blocks ?? '').includes(`approval-${ticket}`));
  const cardNow = (ticket: string) => {
    const post = cardOf(ticket);
    if (!post) return undefined;
    const update = fake
      .of('chat.update')
      .filter((u) => u.ts === post.ts)
      .at(-1);
    return JSON.stringify((update ?? post).blocks);
  };
  const firstOf = (exec: string) =>
    fake.of('chat.postMessage').find((m) => !m.thread_ts && String(m.text).includes(exec));
  const threadOf = (exec: string) => {
    const first = firstOf(exec);
    const ts = first?.ts;
    const posted = fake.of('chat.postMessage').filter((m) => ts && m.thread_ts === ts);
    const edits = fake.of('chat.update').filter((u) => posted.some((p) => p.ts === u.ts));
    return [...posted, ...edits].map((m) => String(m.text));
  };
  const ticketOf = (exec: string) =>
    until(async () => (await og.rt.executionStore.get(exec)).tasks.approve?.data?.ticketId as string, 'the ticket');
  const ended = (exec: string) =>
    until(async () => (await og.rt.executionStore.get(exec)).status === 'Success', `${exec} to succeed`);

  test('a zh-CN directory user runs a template with an approval: answers, progress and card in Chinese', async () => {
    const started = await command('U0010', `run two-approvals target=${target.url}`);
    assert.match(started, /^已启动 two-approvals v1，执行 ID 为 exec-[0-9a-f]+。$/);
    const exec = /exec-[0-9a-f]+/.exec(started)![0];
    const ticket = await ticketOf(exec);

    const first = await until(() => firstOf(exec), 'the first message');
    assert.match(String(first.text), new RegExp(`^▶ lin 启动了 two-approvals v1：${exec}\\n`));
    const card = await until(() => cardNow(ticket), 'the card');
    assert.match(card, new RegExp(`审批单 ${ticket}：two-approvals`));
    assert.match(card, /申请人 <@U0010>/);
    assert.match(card, /等待 <@U0002> <@U0003> 审批/);
    assert.match(card, /已同意 0\/2/);
    assert.match(card, /"text":"同意"/);
    assert.match(card, /"text":"拒绝"/);
    await until(() => threadOf(exec).some((t) => /任务 0\/2，当前 approve/.test(t)), 'the progress line');

    // The requester cannot approve their own run, and is told why, in their language.
    assert.equal(await press('U0010', 'approve', ticket), '这次执行是你启动的，因此你不能同意它。');
    // bob reads English: his answers are his, the card stays in the starter's language.
    assert.equal(await press('U0002', 'approve', ticket), undefined);
    await until(() => cardNow(ticket)?.includes('已同意 1/2'), 'the tally in Chinese');
    assert.match((await press('U0002', 'approve', ticket))!, /^You already voted on approval/);

    assert.match(
      await command('U0010', 'help'),
      /^opsgate 命令：\n {2}run 模板名 \[参数名=值 \.\.\.\]（或：start \.\.\.）/,
    );
    // A DingTalk delivery that failed, recorded in English with its catalogue text: read in lin's language.
    await og.rt.executionStore.logDelivery(exec, {
      time: new Date().toISOString(),
      channel: 'DingTalk',
      ticketId: ticket,
      message: 'no DingTalk id in the directory for carol',
      text: { key: 'dingtalk:noDingTalkId', values: { names: 'carol' } },
    });
    const status = await command('U0010', `status ${exec}`);
    assert.match(status, new RegExp(`${exec}：two-approvals v1 等待中`));
    assert.match(status, /通讯录中没有 carol 的钉钉 ID/);
    assert.doesNotMatch(status, /no DingTalk id/);
    assert.match(await command('U0010', 'frobnicate'), /^未知命令 "frobnicate"。\nopsgate 命令：/);

    await press('U0003', 'approve', ticket);
    await until(() => cardNow(ticket)?.includes('bob, carol 已同意'), 'the decided card in Chinese');
    await ended(exec);
    await until(() => threadOf(exec).some((t) => t.includes(`${exec}：two-approvals v1 成功`)), 'the end');
    const detail = await command('U0010', `ticket ${ticket}`);
    assert.match(detail, new RegExp(`^审批单 ${ticket}：two-approvals / approve，已同意，申请人 lin`));
    assert.match(detail, /bob 于 .*GMT\+8.* 同意/, 'times in the reader zone, the zone named');
  });

  test('an English user sees no Chinese anywhere: answers, thread, card', async () => {
    const started = await command('U0001', `run two-approvals target=${target.url}`);
    const exec = /exec-[0-9a-f]+/.exec(started)![0];
    const ticket = await ticketOf(exec);
    await until(() => cardNow(ticket), 'the card');
    const answers = [
      started,
      (await press('U0001', 'approve', ticket))!,
      await command('U0001', 'help'),
      await command('U0001', `status ${exec}`),
    ];
    await press('U0002', 'approve', ticket);
    await press('U0003', 'approve', ticket);
    await ended(exec);
    await until(() => threadOf(exec).some((t) => t.includes('is Success')), 'the end');
    answers.push(await command('U0001', `ticket ${ticket}`));
    assert.equal(answers[1], 'You started this run, so you cannot approve it.');
    for (const text of [...answers, String(firstOf(exec)!.text), ...threadOf(exec), cardNow(ticket)!]) {
      assert.doesNotMatch(text, CJK, text);
    }
    assert.match(cardNow(ticket)!, /Approved by bob, carol/);
  });

  test("a cancelled run's approval: its reason and its level's note read in the starter's language", async () => {
    const cancelled = async (user: string) => {
      const started = await command(user, `run two-approvals target=${target.url}`);
      const exec = /exec-[0-9a-f]+/.exec(started)![0];
      const ticket = await ticketOf(exec);
      await until(() => cardNow(ticket), 'the card');
      await command(user, `cancel ${exec}`);
      await until(() => cardNow(ticket) && !cardNow(ticket)!.includes('"action_id":"approve"'), 'the decided card');
      return { exec, ticket, card: cardNow(ticket)!, detail: await command(user, `ticket ${ticket}`) };
    };
    const zh = await cancelled('U0010');
    const why = `执行 ${zh.exec} 已取消：已被 lin 取消`;
    assert.ok(zh.card.includes(`已取消：${why}`), zh.card);
    assert.doesNotMatch(zh.card, /cancelled by/);
    assert.match(
      zh.detail,
      new RegExp(`^审批单 ${zh.ticket}：two-approvals / approve，已取消（${why}），申请人 lin\\n`),
    );
    assert.match(zh.detail, new RegExp(`\\n {2}审批级别 1 审批（其中 2 人）：已取消，${why}\\n`), zh.detail);
    assert.doesNotMatch(zh.detail, /cancelled|Approval/, zh.detail);

    const en = await cancelled('U0001');
    const reason = `execution ${en.exec} cancelled: cancelled by alice`;
    assert.ok(en.card.includes(`Cancelled: ${reason}`), en.card);
    assert.match(en.detail, new RegExp(`^Approval ${en.ticket}: two-approvals / approve is cancelled \\(${reason}\\)`));
    assert.match(en.detail, new RegExp(`level 1 Approval \\(2 of them\\): cancelled, ${reason}\\n`), en.detail);
    for (const text of [en.card, en.detail]) assert.doesNotMatch(text, CJK, text);
  });

  test("Slack's own locale of a person the directory gives none: asked once with include_locale", async () => {
    fake.locales.U0004 = 'zh-CN';
    assert.match(await command('U0004', 'help'), /^opsgate 命令：/);
    assert.match(await command('U0004', 'list'), /^运维模板：/);
    const asked = fake.of('users.info').filter((c) => c.user === 'U0004');
    assert.equal(asked.length, 1, 'the profile is kept for a while');
    assert.equal(String(asked[0]!.include_locale), 'true');
    // The directory's word wins over Slack's: lin reads Chinese whatever Slack says, and Slack is not asked.
    fake.locales.U0001 = 'zh-CN';
    assert.doesNotMatch(await command('U0001', 'help'), CJK, 'alice was asked before, as en-US');
  });
});
