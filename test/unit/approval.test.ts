import assert from 'node:assert/strict';
import { test } from 'node:test';
import { approvalCard } from '../../src/approval/card.js';
import { resolveApprovers } from '../../src/approval/resolve.js';
import { renderSlack } from '../../src/chat/slack/render.js';
import { tokenize } from '../../src/chat/tokenize.js';
import { Directory } from '../../src/config/directory.js';
import type { Ticket } from '../../src/approval/ticket.js';
import { aTicket } from '../support/tickets.js';

const directory = new Directory(
  {
    users: {
      alice: { slack: 'U1', manager: 'bob', groups: ['sre'] },
      bob: { slack: 'U2', groups: ['sre'] },
      carol: {},
    },
    groups: { dba: ['carol'] },
  },
  ['slack'],
);

test('approvers: names, groups, the owner and their manager; the owner does not approve their own run', () => {
  const ctx = { directory, owner: 'alice', allowSelfApproval: false };
  assert.deepEqual(resolveApprovers(['group:sre', 'group:dba'], ctx), ['bob', 'carol']);
  assert.deepEqual(resolveApprovers(['$request.owner.manager'], ctx), ['bob']);
  assert.deepEqual(resolveApprovers(['group:sre'], { ...ctx, allowSelfApproval: true }), ['alice', 'bob']);
  assert.deepEqual(resolveApprovers(undefined, ctx), ['bob', 'carol']);
  assert.throws(
    () => resolveApprovers(['mallory', 'group:none'], ctx),
    /approvers mallory, group:none not in the directory/,
  );
});

const ticket: Ticket = aTicket({
  spec: {
    levels: [{ name: 'Approval', mode: 'MIN', min: 2, approvers: ['bob', 'carol'] }],
    allowSelfApproval: false,
    chat: true,
  },
  approvers: ['bob', 'carol'],
  required: 2,
  createDate: 'x',
  status: 'AUDITING',
  approvals: 1,
  level: 0,
  levels: [{ index: 0, name: 'Approval', mode: 'MIN', status: 'active', approvers: ['bob', 'carol'], required: 2 }],
  votes: [{ voter: 'bob', decision: 'AGREE', date: 'y', level: 0 }],
});

test('one neutral card: who is still needed, the tally, the buttons; decided cards have no buttons', () => {
  const open = approvalCard(ticket, 'http://og');
  assert.deepEqual(open.pending, ['carol']);
  assert.equal(open.tally, '1 of 2 approvals');
  assert.deepEqual(
    open.buttons.map((b) => b.id),
    ['approve', 'reject'],
  );
  const rejected = approvalCard(
    {
      ...ticket,
      status: 'REJECT',
      votes: [...ticket.votes, { voter: 'carol', decision: 'REJECT', comment: 'not today', date: 'z', level: 0 }],
    },
    'http://og',
  );
  assert.equal(rejected.outcome, 'Rejected by carol: not today');
  assert.deepEqual(rejected.buttons, []);
  assert.deepEqual(rejected.pending, []);
});

test('Slack renders the card as Block Kit with real @-mentions and escapes text', () => {
  const { blocks } = renderSlack(
    { text: 'x', card: approvalCard({ ...ticket, votes: [], approvals: 0 }, 'http://og') },
    directory,
  );
  const json = JSON.stringify(blocks);
  assert.match(json, /Waiting for <@U2> carol/);
  assert.match(json, /Requested by <@U1>/);
  assert.match(json, /<http:\/\/og\/executions\/exec-1\|exec-1>/);
  const actions = blocks!.find((b) => b.type === 'actions') as { elements: { action_id: string; value: string }[] };
  assert.deepEqual(
    actions.elements.map((e) => [e.action_id, e.value]),
    [
      ['approve', '7'],
      ['reject', '7'],
    ],
  );
  assert.equal(renderSlack({ text: '<!channel> & co' }, directory).text, '&lt;!channel&gt; &amp; co');
});

test('command lines: quotes keep spaces, typographic quotes too', () => {
  assert.deepEqual(tokenize('run deploy  msg="hello world" x=1'), ['run', 'deploy', 'msg=hello world', 'x=1']);
  assert.deepEqual(tokenize('run d note=\u201cfrom slack\u201d'), ['run', 'd', 'note=from slack']);
  assert.deepEqual(tokenize("a '' b"), ['a', '', 'b']);
  assert.throws(() => tokenize('run "open'), /unclosed " quote/);
});

test('Block Kit stays within Slack limits with long parameter lists and many approvers', () => {
  const people = Array.from({ length: 300 }, (_, i) => `person${i}`);
  const big = approvalCard(
    {
      ...ticket,
      approvers: people,
      required: 300,
      approvals: 0,
      votes: people
        .slice(0, 120)
        .map((p, i) => ({ voter: p, decision: 'AGREE' as const, date: `d${i}`, level: 0, comment: 'x'.repeat(200) })),
      spec: {
        ...ticket.spec,
        levels: Array.from({ length: 30 }, (_, i) => ({
          name: `Level ${i} ${'n'.repeat(100)}`,
          mode: 'ALL' as const,
          min: 1,
        })),
      },
    },
    'http://og',
    { parameters: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`param${i}`, 'v'.repeat(100)])) },
  );
  const { blocks } = renderSlack({ text: 'x', card: big }, directory);
  assert.ok(blocks!.length <= 50);
  const texts = (v: unknown): string[] =>
    Array.isArray(v)
      ? v.flatMap(texts)
      : v && typeof v === 'object'
        ? Object.entries(v).flatMap(([k, x]) => (k === 'text' && typeof x === 'string' ? [x] : texts(x)))
        : [];
  for (const b of blocks!) {
    for (const t of texts(b)) assert.ok(t.length <= 3000, `a text of ${t.length} characters`);
    if (b.type === 'actions') {
      for (const e of (b as { elements: { value: string; text: { text: string } }[] }).elements) {
        assert.ok(e.value.length <= 255);
        assert.ok(e.text.text.length <= 75);
      }
    }
  }
});
