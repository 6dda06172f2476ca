import type en from '../en/mail.js';

/** zh-CN messages of the 'mail' namespace: the same keys as en/mail.ts (the types check it). */
export default {
  subject: '待审批：{title}',
  asks: '{requester} 请你审批。',
  someone: '有人',
  unknown: '未知',
  nobody: '无',
  fact: '{name}：{value}',
  factTicket: '审批单',
  factRequestedBy: '申请人',
  factTally: '进度',
  factStillNeeded: '待审批',
  factExecution: '执行',
  approveLine: '同意：{link}',
  rejectLine: '拒绝：{link}',
  linksNote: '这些链接仅供 {name} 使用，只能使用一次，{when} 失效。打开后需在页面上确认。',
  sendFailed: '无法通过 {server} 发送邮件：{why}{codes}',
  smtpWhy:
    '{code, select, EAUTH {：服务器拒绝了用户名或密码} ' +
    'ETLS {：TLS 失败（证书或升级）} ' +
    'EREQUIRETLS {：服务器不支持 STARTTLS，而密码绝不以明文发送} ' +
    'ECONNECTION {：无法连接} ETIMEDOUT {：超时} EDNS {：找不到主机} ' +
    'EENVELOPE {：发件人或收件人被拒绝} EMESSAGE {：邮件被拒绝} ' +
    'EPROTOCOL {：服务器的 SMTP 应答不符合预期} ESOCKET {：连接错误} ' +
    'CERT {：服务器的 TLS 证书不受信任} other {}}',
} satisfies Record<keyof typeof en, string>;
