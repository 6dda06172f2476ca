import type en from '../en/common.js';

/** zh-CN messages of the 'common' namespace: the same keys as en/common.ts (the types check it). */
export default {
  templateNotFound: '模板 {name}{version, select, none {} other { {version}}} 不存在',
  executionNotFound: '执行 {id} 不存在',
  ticketNotFound: '审批单 {id} 不存在',
  status:
    '{status, select, Queued {排队中} Running {运行中} Waiting {等待中} Success {成功} Failed {失败} ' +
    'Cancelled {已取消} Skipped {已跳过} other {{status}}}',
  deliveryChannel:
    '{channel, select, DingTalk {钉钉} Mail {邮件} WebHook {WebHook} notification {通知} other {{channel}}}',
} satisfies Record<keyof typeof en, string>;
