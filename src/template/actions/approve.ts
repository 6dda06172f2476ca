import { z } from 'zod';
import { any, duration, ex, flag, list, props, text } from './fields.js';
import { mail, notifyType, webhook } from './notify.js';

const approvers = list(ex(text), 'must be a list of directory users or group:NAME');

/** ACS::Approve: OOS's properties and opsgate's (Levels, Timeout, ...: see README, Approvals). */
export const approveSchema = props({
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
  // Checked, with their own messages, by template/approve.ts.
  Levels: any,
  Reasons: any,
  Timeout: any,
  RemindAfter: any,
});
