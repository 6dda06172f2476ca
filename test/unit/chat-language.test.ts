import assert from 'node:assert/strict';
import { test } from 'node:test';
import { approvalCard } from '../../src/approval/card.js';
import type { Ticket } from '../../src/approval/ticket.js';
import { aTicket } from '../support/tickets.js';
import { describeExecution, describeTicket } from '../../src/chat/describe.js';
import { progressLine } from '../../src/chat/dispatcher.js';
import { renderSlack } from '../../src/chat/slack/render.js';
import { homeView, rejectModal, runModal } from '../../src/chat/slack/form.js';
import { runForm } from '../../src/chat/run-form.js';
import { Directory } from '../../src/config/directory.js';
import { escapeHtml } from '../../src/html.js';
import { approvalMails } from '../../src/notify/approval-mail.js';
import { executionMasker } from '../../src/engine/mask.js';
import type { Execution } from '../../src/engine/types.js';
import { msg } from '../../src/i18n/index.js';
import type { Template } from '../../src/template/schema.js';

const CJK = /[\u3400-\u9fff]/;
const directory = new Directory({ users: { bob: { slack: 'U2' }, carol: {} }, groups: {} }, ['slack']);

const ticket: Ticket = aTicket({
  spec: {
    levels: [
      { name: 'Leads', mode: 'ANY', min: 1, approvers: ['bob'] },
      { name: 'DBA', mode: 'MIN', min: 2, approvers: ['carol', 'dave'] },
    ],
    allowSelfApproval: false,
    chat: true,
  },
  approvers: ['bob'],
  required: 1,
  createDate: '2026-01-02T03:04:05.000Z',
  status: 'AUDITING',
  approvals: 0,
  level: 0,
  levels: [{ index: 0, name: 'Leads', mode: 'ANY', status: 'active', approvers: ['bob'], required: 1 }],
  votes: [],
});

test('the approval card in the reader language: title, tally (ICU plurals), levels, buttons', () => {
  const en = approvalCard(ticket, 'http://og');
  assert.equal(en.locale, 'en');
  assert.equal(en.title, 'Approval 7: deploy / approve');
  assert.equal(en.tally, '0 of 1 approval');
  assert.equal(en.level, 'Level 1 of 2: Leads (ANY)');
  assert.deepEqual(
    en.levels.map((l) => l.line),
    ['1. Leads (ANY): active', '2. DBA (2 of them): not reached'],
  );
  assert.deepEqual(
    en.buttons.map((b) => b.label),
    ['Approve', 'Reject'],
  );
  const zh = approvalCard(ticket, 'http://og', { locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
  assert.equal(zh.title, '审批单 7：deploy / approve');
  assert.equal(zh.tally, '已同意 0/1');
  assert.equal(zh.level, '审批级别 1/2：Leads（ANY）');
  assert.deepEqual(
    zh.levels.map((l) => l.line),
    ['1. Leads（ANY）：审批中', '2. DBA（其中 2 人）：未开始'],
  );
  assert.deepEqual(
    zh.buttons.map((b) => b.label),
    ['同意', '拒绝'],
  );
  const slack = JSON.stringify(renderSlack({ text: zh.title, card: zh }, directory).blocks);
  assert.match(slack, /申请人 alice/);
  assert.match(slack, /等待 <@U2> 审批/);
  const rejected = { ...ticket, status: 'REJECT' as const, closeCode: 'rejected' as const };
  const votes = [{ voter: 'bob', decision: 'REJECT' as const, comment: 'no', date: 'x', level: 0 }];
  assert.equal(approvalCard({ ...rejected, votes }, '', { locale: 'zh-CN' }).outcome, 'bob 已拒绝：no');
  assert.equal(approvalCard({ ...rejected, votes }, '').outcome, 'Rejected by bob: no');
});

test("a ticket's description: times in the reader zone with the zone named", () => {
  const voted: Ticket = {
    ...ticket,
    status: 'APPROVED',
    votes: [{ voter: 'bob', decision: 'AGREE', comment: 'ok', date: '2026-01-02T03:04:05.000Z', level: 0 }],
    levels: [{ ...ticket.levels[0]!, status: 'approved' }],
  };
  const en = describeTicket(voted);
  assert.match(en, /^Approval 7: deploy \/ approve is approved, asked by alice$/m);
  assert.match(en, /^ {4}approved by bob at Jan 2, 2026, 3:04:05 AM UTC: ok$/m);
  assert.match(en, /^ {2}level 2 DBA \(2 of them\): not reached$/m);
  const zh = describeTicket(voted, { locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
  assert.match(zh, /^审批单 7：deploy \/ approve，已同意，申请人 alice$/m);
  assert.match(zh, /^ {4}bob 于 2026年1月2日 GMT\+8 11:04:05 同意：ok$/m);
  assert.match(zh, /^ {2}审批级别 2 DBA（其中 2 人）：未开始$/m);
});

test("an execution's description and progress line: statuses and task messages in the reader language", () => {
  const exec = {
    id: 'exec-1',
    templateName: 'deploy',
    templateVersion: 'v1',
    parameters: {},
    status: 'Waiting',
    current: 'approve',
    tasks: {
      check: { taskExecutionId: 't1', status: 'Success', action: 'ACS::Sleep', startDate: 'x' },
      approve: {
        taskExecutionId: 't2',
        status: 'Waiting',
        action: 'ACS::Approve',
        startDate: 'x',
        message: 'cancelled by bob',
        text: msg('core:cancelledBy', { user: 'bob' }),
      },
    },
    origin: { platform: 'slack' },
    mode: 'Automatic',
    createDate: 'x',
    updateDate: 'x',
  } as Execution;
  const mask = executionMasker(exec, undefined);
  assert.equal(
    describeExecution(exec, mask),
    '⏳ exec-1: deploy v1 is Waiting\n  ✅ check Success\n  ⏳ approve Waiting: cancelled by bob',
  );
  assert.equal(
    describeExecution(exec, mask, { locale: 'zh-CN' }),
    '⏳ exec-1：deploy v1 等待中\n  ✅ check 成功\n  ⏳ approve 等待中：已被 bob 取消',
  );
  assert.equal(progressLine(exec, mask, 3), '⏳ 1/3 tasks, now approve (cancelled by bob)');
  assert.equal(progressLine(exec, mask, 3, 'zh-CN'), '⏳ 任务 1/3，当前 approve（已被 bob 取消）');
});

test('Slack forms and App Home in the reader language; English has no Chinese', () => {
  const template = {
    FormatVersion: 'OOS-2019-06-01',
    Parameters: { version: { Type: 'String', Label: { en: 'Version', 'zh-cn': '版本' } } },
    Tasks: [],
  } as unknown as Template;
  const home = { pending: [ticket], runs: [] };
  const zh = [
    runModal(runForm('deploy', 'v1', template, 'zh-CN'), { channel: 'C1' }, 'zh-CN'),
    rejectModal('7', { channel: 'C1' }, 'zh-CN'),
    homeView(home, 'http://og', { locale: 'zh-CN' }),
  ].map((v) => JSON.stringify(v));
  assert.match(zh[0]!, /"运行运维模板".*"版本"/);
  assert.match(zh[1]!, /为什么拒绝审批单 7？/);
  assert.match(zh[2]!, /等待你审批.*申请人 alice · 已同意 0\/1.*"同意".*你最近的执行.*还没有执行。/);
  const en = [
    runModal(runForm('deploy', 'v1', template), { channel: 'C1' }),
    rejectModal('7', { channel: 'C1' }),
    homeView(home, 'http://og'),
  ].map((v) => JSON.stringify(v));
  for (const view of en) assert.doesNotMatch(view, CJK);
  assert.match(en[0]!, /"Run a runbook".*"Version"/);
  assert.match(en[2]!, /Approvals waiting for you.*asked by alice · 0 of 1 approval/);
});

// The approval's words are made once, by the card: an approval mail says the very same.
for (const locale of ['en', 'zh-CN'] as const) {
  test(`an approval mail in ${locale} says the card's title, level, tally and buttons`, () => {
    const reader = { locale, timeZone: 'Asia/Shanghai' };
    const card = approvalCard(ticket, 'http://og', reader);
    const [mail] = approvalMails(ticket, [{ name: 'bob', email: 'bob@example.com', reader }], {
      secret: 'a-secret-of-sixteen-or-more',
      publicUrl: 'http://og',
    });
    for (const words of [card.title, card.level!, card.tally]) {
      assert.ok(mail!.text.includes(words), `${words} in the text: ${mail!.text}`);
      assert.ok(mail!.html.includes(escapeHtml(words)), `${words} in the HTML: ${mail!.html}`);
    }
    for (const b of card.buttons) assert.match(mail!.html, new RegExp(`>${b.label}</a>`));
    assert.ok(mail!.text.includes(card.executionUrl!));
  });
}

test('a ticket of one level: its mail names no level (as its card does not)', () => {
  const one: Ticket = {
    ...ticket,
    spec: { ...ticket.spec, levels: [{ name: 'Approval', mode: 'MIN', min: 2, approvers: ['bob', 'carol'] }] },
    levels: [{ index: 0, name: 'Approval', mode: 'MIN', status: 'active', approvers: ['bob', 'carol'], required: 2 }],
  };
  const [mail] = approvalMails(one, [{ name: 'bob', email: 'bob@example.com' }], {
    secret: 'a-secret-of-sixteen-or-more',
    publicUrl: 'http://og',
  });
  assert.equal(approvalCard(one, '').level, undefined);
  assert.doesNotMatch(mail!.text, /Level|level/);
  assert.match(mail!.text, /^Tally: 0 of 1 approval$/m);
});
