import type { Ticket } from '../store/tickets.js';

/**
 * The one approval card, platform-neutral: every chat adapter renders this, and a decided card
 * has no buttons, only its outcome.
 */
export interface ApprovalCard {
  ticketId: string;
  title: string;
  executionId: string;
  executionUrl: string;
  requester?: string;
  /** Directory user names still needed (the @-mentions while open). */
  pending: string[];
  approvedBy: string[];
  rejectedBy?: { voter: string; comment?: string };
  required: number;
  tally: string;
  status: Ticket['status'];
  outcome?: string;
  buttons: { id: 'approve' | 'reject'; label: string; value: string; style: 'primary' | 'danger' }[];
}

export function approvalCard(ticket: Ticket, publicUrl: string): ApprovalCard {
  const approvedBy = ticket.votes.filter((v) => v.decision === 'AGREE').map((v) => v.voter);
  const rejected = ticket.votes.find((v) => v.decision === 'REJECT');
  const voted = new Set(ticket.votes.map((v) => v.voter));
  const open = ticket.status === 'AUDITING';
  const outcome = {
    AUDITING: undefined,
    APPROVED: `Approved by ${approvedBy.join(', ')}`,
    REJECT: `Rejected by ${rejected?.voter ?? 'an approver'}${rejected?.comment ? `: ${rejected.comment}` : ''}`,
    CANCEL: 'Cancelled',
  }[ticket.status];
  return {
    ticketId: ticket.id,
    title: `Approval ${ticket.id}: ${ticket.templateName} / ${ticket.taskName}`,
    executionId: ticket.executionId,
    executionUrl: `${publicUrl}/executions/${ticket.executionId}`,
    requester: ticket.requester,
    pending: open ? ticket.approvers.filter((a) => !voted.has(a)) : [],
    approvedBy,
    rejectedBy: rejected ? { voter: rejected.voter, comment: rejected.comment } : undefined,
    required: ticket.required,
    tally: `${ticket.approvals} of ${ticket.required} approval${ticket.required === 1 ? '' : 's'}`,
    status: ticket.status,
    outcome,
    buttons: open
      ? [
          { id: 'approve', label: 'Approve', value: ticket.id, style: 'primary' },
          { id: 'reject', label: 'Reject', value: ticket.id, style: 'danger' },
        ]
      : [],
  };
}
