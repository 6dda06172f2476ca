import { z } from 'zod';
import { t } from '../../i18n/index.js';
import { any, duration, ex, flag, list, props, text } from '../../template/property-fields.js';
import { mail, notifyNeeds, notifyType, webhook } from './notification-properties.js';
import { said, saidBy } from '../message.js';
import type { BuiltinAction } from './types.js';

const approvers = list(ex(text), t('en', 'actions:approversList'));

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
        error: t('en', 'actions:wholeNumberAtLeastOne'),
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
  // Resumed, it reads its ticket's decision; it opens a ticket only on its first run.
  readsOnly: (record) => typeof record?.data?.ticketId === 'string',
  async run({ execution, task, properties, record, ports, taskExecutionId }) {
    let ticketId = record?.data?.ticketId as string | undefined;
    if (!ticketId) {
      try {
        ticketId = (await ports.approvals.openForTask(execution, task.Name, taskExecutionId, properties)).id;
      } catch (err) {
        return { kind: 'failed', ...saidBy(err) };
      }
    }
    const ticket = await ports.approvals.status(ticketId);
    const reason = ticket.reasonText ?? ticket.reason;
    switch (ticket.status) {
      case 'APPROVED':
        return { kind: 'success', result: { TicketId: ticketId, Summary: ticket.summary } };
      case 'REJECT':
        return { kind: 'cancel', ...said('actions:approvalRejected', { id: ticketId, summary: ticket.summary }) };
      case 'CANCEL':
        // Nobody could approve a level: the approval failed; a timeout or a withdrawal cancels.
        if (ticket.closeCode === 'unresolvable') {
          return { kind: 'failed', ...said('actions:approvalUnresolvable', { id: ticketId, reason }) };
        }
        return ticket.reason
          ? { kind: 'cancel', ...said('actions:approvalClosed', { id: ticketId, reason }) }
          : { kind: 'cancel', ...said('actions:approvalCancelled', { id: ticketId }) };
      default:
        return { kind: 'wait', ...said('actions:waitingForApproval', { id: ticketId }), data: { ticketId } };
    }
  },
};
