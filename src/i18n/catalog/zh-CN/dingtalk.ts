import type en from '../en/dingtalk.js';

/** zh-CN messages of the 'dingtalk' namespace: the same keys as en/dingtalk.ts (the types check it). */
export default {
  keysTogether: '须与另一个钉钉密钥一起设置（两个都设，或都不设）',
  mustBeRetryDurations: '必须是以逗号分隔的 ISO 8601 时长，例如 PT1M,PT5M',
  reviewAs: '以 {name} 身份审批',
  reviewAndVote: '查看并审批',
  open: '打开',
  orApproveWith: '或回复：@opsgate approve {id}',
  approveWith: '回复 @opsgate approve {id} 即可同意',
  levelLine: '{n}. {name}（{mode}）：{status}',
  comment: '{voter} {decision, select, AGREE {同意} other {拒绝}}：{comment}',
  waitsForYou: '{title} 正在等待你的审批（{tally}）',
  waitingFor: '{title}\n\n{tally}\n\n等待 {names} 审批',
  noDingTalkId: '通讯录中没有 {names} 的钉钉 ID',
  unknownStaff: '钉钉在本组织中找不到 {names}，消息未送达',
  flowControlled: '钉钉限制了发给 {names} 的消息（发送过于频繁），重试 {tries} 次后仍未送达',
  cardNotDelivered: '审批卡片未送达 {who}：{error}',
  executionDetails: '执行详情',
  webhookFailed: 'WebHook {where} 调用失败：{detail}',
  notAUrl: 'URI 不是有效的 URL',
  noAnswer: '{seconds} 秒内无应答',
} satisfies Record<keyof typeof en, string>;
