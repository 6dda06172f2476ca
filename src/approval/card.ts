import type { Ticket } from './ticket.js';

/**
 * The one approval card, platform-neutral: every chat adapter renders this, and a decided card
 * has no buttons, only its outcome.
 */
export interface ApprovalCard {
  ticketId: string;
  title: string;
  executionId?: string;
  executionUrl?: string;
  requester?: string;
  /** The active level, when the ticket has more than one. */
  level?: string;
  /** Every level with its mode and where it stands. */
  levels: { name: string; mode: string; status: string }[];
  /** What will run with which parameters (secrets masked by the caller). */
  parameters?: Record<string, unknown>;
  /** Who voted, how, and what they said. */
  comments: { voter: string; decision: 'AGREE' | 'REJECT'; comment?: string }[];
  /** Directory user names still needed on the active level (the @-mentions while open). */
  pending: string[];
  approvedBy: string[];
  rejectedBy?: { voter: string; comment?: string };
  required: number;
  tally: string;
  status: Ticket['status'];
  outcome?: string;
  buttons: { id: 'approve' | 'reject'; label: string; value: string; style: 'primary' | 'danger' }[];
}

export function approvalCard(
  ticket: Ticket,
  publicUrl: string,
  extra: { parameters?: Record<string, unknown> } = {},
): ApprovalCard {
  const approvedBy = ticket.votes.filter((v) => v.decision === 'AGREE').map((v) => v.voter);
  const rejected = ticket.votes.find((v) => v.decision === 'REJECT');
  const voted = new Set(ticket.votes.map((v) => v.voter));
  const open = ticket.status === 'AUDITING';
  const levels = ticket.spec.levels;
  const active = ticket.levels.find((l) => l.index === ticket.level && l.status === 'active');
  const outcome = {
    AUDITING: undefined,
    APPROVED: `Approved by ${approvedBy.join(', ')}`,
    REJECT: `Rejected by ${rejected?.voter ?? 'an approver'}${rejected?.comment ? `: ${rejected.comment}` : ''}`,
    CANCEL:
      ticket.closeCode === 'timed-out'
        ? 'Timed out: the approval and its run are cancelled'
        : `Cancelled${ticket.reason ? `: ${ticket.reason}` : ''}`,
  }[ticket.status];
  return {
    ticketId: ticket.id,
    title: `Approval ${ticket.id}: ${ticket.title}`,
    executionId: ticket.executionId,
    executionUrl: ticket.executionId ? `${publicUrl}/executions/${ticket.executionId}` : undefined,
    requester: ticket.requester,
    level:
      levels.length > 1 && active
        ? `Level ${active.index + 1} of ${levels.length}: ${active.name} (` +
          `${active.mode === 'MIN' ? `${active.required} of them` : active.mode})`
        : undefined,
    levels: levels.map((l, i) => ({
      name: l.name,
      mode: l.mode === 'MIN' ? `${l.min} of them` : l.mode,
      status: ticket.levels.find((r) => r.index === i)?.status ?? 'not reached',
    })),
    parameters: extra.parameters,
    comments: ticket.votes.map((v) => ({ voter: v.voter, decision: v.decision, comment: v.comment || undefined })),
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
