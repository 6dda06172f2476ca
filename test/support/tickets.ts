import type { Ticket } from '../../src/approval/ticket.js';

/**
 * A runbook's ticket made by hand for pure tests: approval 7 of exec-1's task `approve` in `deploy`,
 * asked by alice, one level of bob, open; `over` says what the test is about.
 */
export function aTicket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: '7',
    key: 'approve',
    executionId: 'exec-1',
    taskName: 'approve',
    templateName: 'deploy',
    requester: 'alice',
    title: 'deploy / approve',
    description: '',
    orderType: 'RUNBOOK',
    reasons: [],
    subject: {},
    spec: {
      levels: [{ name: 'Approval', mode: 'ANY', min: 1, approvers: ['bob'] }],
      allowSelfApproval: false,
      chat: true,
    },
    approvers: ['bob'],
    required: 1,
    createDate: '2026-01-02T03:04:05.000Z',
    status: 'AUDITING',
    approvals: 0,
    level: 0,
    levels: [{ index: 0, name: 'Approval', mode: 'ANY', status: 'active', approvers: ['bob'], required: 1 }],
    votes: [],
    ...over,
  };
}
