import assert from 'node:assert/strict';
import { test } from 'node:test';
import { approvalCard } from '../../src/approval/card.js';
import { describeStatus } from '../../src/core/approval-service.js';
import { approve } from '../../src/engine/actions/approve.js';
import type { ActionContext, ApprovalPort, CloseCode } from '../../src/engine/actions/types.js';
import type { Execution } from '../../src/engine/types.js';
import type { Ticket } from '../../src/approval/ticket.js';
import { aTicket } from '../support/tickets.js';

// Decisions read the close code; the reason is text for people and may say anything.

const ticket: Ticket = aTicket({
  spec: {
    levels: [{ name: 'Approval', mode: 'ANY', min: 1, approvers: ['bob'] }],
    allowSelfApproval: false,
    chat: true,
  },
  approvers: [],
  required: 1,
  createDate: 'x',
  status: 'CANCEL',
  approvals: 0,
  level: 0,
  levels: [],
  votes: [],
});
const closed = (closeCode: CloseCode, reason: string): Ticket => ({ ...ticket, closeCode, reason });

test('the card says "timed out" by the code, not by the reason text', () => {
  assert.equal(
    approvalCard(closed('timed-out', 'the clock ran out'), 'http://og').outcome,
    'Timed out: the approval and its run are cancelled',
  );
  assert.equal(approvalCard(closed('cancelled', 'timed out'), 'http://og').outcome, 'Cancelled: timed out');
});

test('describeStatus says "timed out" by the code', () => {
  assert.equal(describeStatus(closed('timed-out', 'whatever')), 'timed out');
  assert.equal(describeStatus(closed('cancelled', 'timed out')), 'cancelled (timed out)');
  assert.equal(describeStatus({ ...ticket, status: 'REJECT', closeCode: 'rejected' }), 'rejected');
});

const execution: Execution = {
  id: 'exec-1',
  templateName: 'deploy',
  templateVersion: 'v1',
  parameters: {},
  status: 'Waiting',
  tasks: {},
  origin: { platform: 'cli' },
  mode: 'Automatic',
  createDate: 'x',
  updateDate: 'x',
};
const unused = () => {
  throw new Error('not used by ACS::Approve');
};

/** Runs ACS::Approve on an existing ticket whose status the port answers. */
async function run(status: Awaited<ReturnType<ApprovalPort['status']>>) {
  const approvals: ApprovalPort = { openForTask: async () => ({ id: '7' }), status: async () => status };
  const ctx: ActionContext = {
    execution,
    task: { Name: 'approve', Action: 'ACS::Approve', Properties: {}, Outputs: undefined },
    properties: {},
    idempotencyKey: 'k',
    signals: {},
    record: {
      taskExecutionId: 't-1',
      status: 'Waiting',
      action: 'ACS::Approve',
      startDate: 'x',
      data: { ticketId: '7' },
    },
    taskExecutionId: 't-1',
    ports: {
      approvals,
      webhook: { send: unused },
      triggers: { schedule: unused, unschedule: unused },
      cloud: { call: unused },
      children: { exists: unused, start: unused, get: unused },
      fetch: unused,
      now: Date.now,
    },
  };
  return approve.run(ctx);
}

test('ACS::Approve fails an unresolvable ticket, cancels on every other CANCEL, whatever the reason says', async () => {
  const base = { status: 'CANCEL' as const, summary: '' };
  const unresolvable = await run({ ...base, closeCode: 'unresolvable', reason: 'level L has an odd problem' });
  assert.deepEqual(unresolvable, {
    kind: 'failed',
    message: 'approval 7: level L has an odd problem',
    text: { key: 'actions:approvalUnresolvable', values: { id: '7', reason: 'level L has an odd problem' } },
  });
  // The reason reads like an unresolvable level; the code says the execution ended first.
  const cancelled = await run({ ...base, closeCode: 'cancelled', reason: 'level L has nobody who can approve' });
  assert.equal(cancelled.kind, 'cancel');
  for (const closeCode of ['timed-out', 'withdrawn'] as const) {
    assert.equal((await run({ ...base, closeCode, reason: 'approvers x not in the directory' })).kind, 'cancel');
  }
  assert.equal((await run({ status: 'REJECT', summary: 'bob', closeCode: 'rejected' })).kind, 'cancel');
  assert.equal((await run({ status: 'APPROVED', summary: 'bob', closeCode: 'approved' })).kind, 'success');
});
