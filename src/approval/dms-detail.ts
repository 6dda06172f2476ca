import { createHash } from 'node:crypto';
import type { Ticket } from './ticket.js';

/** DMS times: `2021-10-29 14:17:25` (UTC here). */
export const dmsTime = (iso?: string) => (iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$|Z$/, '') : '');

/** DMS user ids are numbers: a directory user's is derived from the name, the same everywhere. */
export function userId(name: string): number {
  return parseInt(createHash('sha256').update(name).digest('hex').slice(0, 12), 16);
}

const NODE_STATUS: Record<string, string> = {
  active: 'AUDITING',
  approved: 'APPROVED',
  rejected: 'REJECT',
  cancelled: 'CANCEL',
  skipped: 'APPROVED',
};

/**
 * A ticket in the shape of DMS GetApprovalDetail's ApprovalDetail: one WorkflowNode per level,
 * with who was asked, who acted, when and with what comment.
 */
export function approvalDetail(t: Ticket): Record<string, unknown> {
  const voted = new Set(t.votes.map((v) => v.voter));
  const handlers = t.status === 'AUDITING' ? t.approvers.filter((a) => !voted.has(a)) : [];
  const nodes = t.spec.levels.map((level, index) => {
    const rec = t.levels.find((l) => l.index === index);
    const votes = t.votes.filter((v) => v.level === index);
    const last = votes.at(-1);
    const status = rec
      ? NODE_STATUS[rec.status]!
      : t.status === 'AUDITING'
        ? 'AUDITING'
        : t.status === 'APPROVED'
          ? 'APPROVED'
          : 'CANCEL';
    const comment = last
      ? [last.comment, last.decision === 'REJECT' ? 'rejected' : undefined].filter(Boolean).join(' ')
      : (rec?.note ?? '');
    return {
      OperateTime: dmsTime(
        last?.date ?? (rec?.status === 'skipped' || rec?.status === 'cancelled' ? t.decidedAt : undefined),
      ),
      WorkflowInsCode: status,
      NodeName: level.name,
      OperateComment: comment,
      OperatorId: last ? String(userId(last.voter)) : '',
      AuditUserIdList: { AuditUserIds: (rec?.approvers ?? []).map((a) => String(userId(a))) },
    };
  });
  return {
    CurrentHandlers: { CurrentHandler: handlers.map((h) => ({ Id: userId(h), NickName: h })) },
    ReasonList: { Reasons: t.reasons },
    Description: t.description,
    OrderType: t.orderType,
    WorkflowInsCode: t.status,
    CreateTime: dmsTime(t.createDate),
    AuditId: t.id,
    Title: t.title,
    OrderId: t.id,
    WorkflowNodes: { WorkflowNode: nodes },
  };
}
