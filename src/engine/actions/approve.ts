import type { Action } from './types.js';

/**
 * ACS::Approve: opens a ticket and waits; on each resume reads the ticket's decision.
 * Approval is approval/'s business; this action only asks and waits.
 */
export const approve: Action = {
  async run({ execution, task, properties, record, ports }) {
    let ticketId = record?.data?.ticketId as string | undefined;
    if (!ticketId) {
      const approvers = properties.Approvers;
      if (approvers !== undefined && (!Array.isArray(approvers) || approvers.some((a) => typeof a !== 'string'))) {
        return { kind: 'failed', message: 'Approvers must be a list of directory user names' };
      }
      const minRequired = Number(properties.MinRequiredApprovals ?? 1);
      if (!Number.isInteger(minRequired) || minRequired < 1) {
        return { kind: 'failed', message: `MinRequiredApprovals must be a whole number of at least 1, got ${JSON.stringify(properties.MinRequiredApprovals)}` };
      }
      const allowSelf = properties.AllowSelfApproval === true || properties.AllowSelfApproval === 'true';
      try {
        ticketId = (await ports.approvals.open({ execution, taskName: task.Name, approvers: approvers as string[] | undefined, minRequired, allowSelfApproval: allowSelf })).id;
      } catch (err) {
        return { kind: 'failed', message: (err as Error).message };
      }
    }
    const ticket = await ports.approvals.status(execution.id, ticketId);
    switch (ticket.status) {
      case 'APPROVED': return { kind: 'success', result: { TicketId: ticketId, Summary: ticket.summary } };
      case 'REJECT': return { kind: 'cancel', message: `approval ${ticketId} rejected: ${ticket.summary}` };
      case 'CANCEL': return { kind: 'cancel', message: `approval ${ticketId} cancelled` };
      default: return { kind: 'wait', message: `waiting for approval ${ticketId}`, data: { ticketId } };
    }
  },
};
