import type { Directory, DirectoryUser } from '../config/directory.js';
import type { ApprovalPort } from '../engine/actions/types.js';
import { resolveApprovers } from '../approval/resolve.js';
import type { Producer } from '../queue/producer.js';
import type { Ticket, TicketStore, VoteDecision, VoteOutcome } from '../store/tickets.js';

export interface VoteResult {
  outcome: VoteOutcome | 'unknown-user';
  /** What to tell the voter (privately). */
  message: string;
  ticket?: Ticket;
}

/**
 * Approvals: opening tickets for the engine, and the vote, the one entry point every channel
 * (chat button, chat command, mail link, API) goes through.
 */
export class Approvals implements ApprovalPort {
  constructor(
    private readonly tickets: TicketStore,
    private readonly directory: Directory,
    private readonly producer: Producer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async open(req: Parameters<ApprovalPort['open']>[0]): Promise<{ id: string }> {
    const { execution, taskName, minRequired } = req;
    const approvers = resolveApprovers(req.approvers, { directory: this.directory, owner: execution.owner, allowSelfApproval: req.allowSelfApproval });
    if (approvers.length < minRequired) {
      throw new Error(`MinRequiredApprovals is ${minRequired} but only ${approvers.length} approver${approvers.length === 1 ? '' : 's'} can vote${approvers.length ? ` (${approvers.join(', ')})` : ''}`);
    }
    const id = await this.tickets.open({
      executionId: execution.id, taskName, templateName: execution.templateName, requester: execution.owner,
      approvers, required: minRequired, createDate: this.now().toISOString(),
    });
    await this.producer.notify({ kind: 'ticket', ticketId: id });
    return { id };
  }

  async status(_executionId: string, ticketId: string): Promise<{ status: Ticket['status']; summary: string }> {
    const t = await this.tickets.get(ticketId);
    const rejected = t.votes.find((v) => v.decision === 'REJECT');
    const summary = rejected
      ? `${rejected.voter}${rejected.comment ? `: ${rejected.comment}` : ''}`
      : t.votes.filter((v) => v.decision === 'AGREE').map((v) => v.voter).join(', ');
    return { status: t.status, summary };
  }

  get(ticketId: string): Promise<Ticket> {
    return this.tickets.get(ticketId);
  }

  async vote(ticketId: string, voter: DirectoryUser | undefined, decision: VoteDecision, comment?: string): Promise<VoteResult> {
    if (!voter) return { outcome: 'unknown-user', message: 'You are not in the opsgate directory, so you cannot approve.' };
    const r = await this.tickets.vote(ticketId, voter.name, decision, comment, this.now().toISOString());
    if (r.outcome === 'missing') return { outcome: r.outcome, message: `There is no approval ticket ${ticketId}.` };
    const ticket = await this.tickets.get(ticketId);
    if (r.outcome === 'recorded' || r.outcome === 'decided') await this.producer.notify({ kind: 'ticket', ticketId });
    if (r.outcome === 'decided') await this.producer.resume(ticket.executionId, ticket.taskName, `t${ticketId}`);
    const tally = `${r.approvals} of ${ticket.required}`;
    const message = {
      closed: `Approval ${ticketId} is already ${r.status === 'APPROVED' ? 'approved' : r.status === 'REJECT' ? 'rejected' : 'closed'}.`,
      'not-approver': `You are not an approver of approval ${ticketId}.`,
      duplicate: `You already voted on approval ${ticketId} (${tally} approvals).`,
      recorded: `Your approval of ${ticketId} is recorded (${tally} approvals).`,
      decided: r.status === 'APPROVED' ? `Approval ${ticketId} is approved (${tally}).` : `Approval ${ticketId} is rejected.`,
    }[r.outcome];
    return { outcome: r.outcome, message, ticket };
  }
}
