import type { Action } from './types.js';

/**
 * ACS::Approve: opens a ticket (levels, criteria, timeout: see core/approval-service.ts) and
 * waits; on each resume reads the ticket's decision. This action only asks and waits.
 */
export const approve: Action = {
  async run({ execution, task, properties, record, ports, taskExecutionId }) {
    let ticketId = record?.data?.ticketId as string | undefined;
    if (!ticketId) {
      try {
        ticketId = (await ports.approvals.openForTask(execution, task.Name, taskExecutionId, properties)).id;
      } catch (err) {
        return { kind: 'failed', message: (err as Error).message };
      }
    }
    const ticket = await ports.approvals.status(ticketId);
    switch (ticket.status) {
      case 'APPROVED':
        return { kind: 'success', result: { TicketId: ticketId, Summary: ticket.summary } };
      case 'REJECT':
        return { kind: 'cancel', message: `approval ${ticketId} rejected: ${ticket.summary}` };
      case 'CANCEL':
        // Nobody could approve a level: the approval failed; a timeout or a withdrawal cancels.
        if (ticket.closeCode === 'unresolvable') {
          return { kind: 'failed', message: `approval ${ticketId}: ${ticket.reason}` };
        }
        return { kind: 'cancel', message: `approval ${ticketId} ${ticket.reason ?? 'cancelled'}` };
      default:
        return { kind: 'wait', message: `waiting for approval ${ticketId}`, data: { ticketId } };
    }
  },
};
