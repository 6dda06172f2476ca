import { z } from 'zod';
import { any, duration, ex, flag, list, props, text } from '../../template/property-fields.js';
import { mail, notifyNeeds, notifyType, webhook } from './notification-properties.js';
import type { BuiltinAction } from './types.js';

const approvers = list(ex(text), 'must be a list of directory users or group:NAME');

/**
 * ACS::Approve: opens a ticket (levels, criteria, timeout: see core/approval-service.ts) and
 * waits; on each resume reads the ticket's decision. This action only asks and waits.
 */
export const approve: BuiltinAction = {
  name: 'ACS::Approve',
  // OOS's properties and opsgate's (Levels, Timeout, ...: see README, Approvals).
  schema: props({
    Approvers: ex(approvers),
    MinRequiredApprovals: ex(
      z.union([z.number().int().min(1), z.string().regex(/^\s*[1-9]\d*\s*$/)], {
        error: 'must be a whole number of at least 1',
      }),
    ),
    NotifyType: ex(notifyType),
    WebHook: ex(webhook),
    Mail: ex(mail),
    // Default true for ACS::Approve.
    AppendExecutionLink: ex(flag),
    AllowSelfApproval: ex(flag),
    // Whether the chat card is posted (default true).
    Chat: ex(flag),
    EscalateAfter: ex(duration),
    EscalateTo: ex(approvers),
    // Checked, with their own messages, by template/approve.ts (approval policies share them).
    Levels: any,
    Reasons: any,
    Timeout: any,
    RemindAfter: any,
  }),
  needs: (p) => notifyNeeds(p),
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
