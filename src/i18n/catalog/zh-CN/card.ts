import type en from '../en/card.js';

/** zh-CN messages of the 'card' namespace: the same keys as en/card.ts (the types check it). */
export default {
  title: '审批单 {id}：{title}',
  tally: '已同意 {approvals}/{required}',
  level: '审批级别 {n}/{total}：{name}（{mode}）',
  levelMode: '{mode, select, MIN {其中 {min} 人} other {{mode}}}',
  levelStatus:
    '{status, select, active {审批中} approved {已同意} rejected {已拒绝} skipped {已跳过} ' +
    'cancelled {已取消} notReached {未开始} other {{status}}}',
  approvedBy: '{names} 已同意',
  rejectedBy: '{voter} 已拒绝',
  rejectedByComment: '{voter} 已拒绝：{comment}',
  anApprover: '一位审批人',
  timedOut: '已超时：审批及其执行均已取消',
  cancelled: '已取消',
  cancelledReason: '已取消：{reason}',
  approve: '同意',
  reject: '拒绝',
  requestedBy: '申请人 {who}',
  waitingFor: '等待 {who} 审批',
  approvedByLower: '{who} 已同意',
  comment: '{who} {decision, select, AGREE {同意} other {拒绝}}：{comment}',
  levelItem: '{n}. {name}（{mode}）：{status}',
  summary: '{title}：{state}',
  reminder: '提醒：{title} 仍在等待你审批（{tally}）',
} satisfies Record<keyof typeof en, string>;
