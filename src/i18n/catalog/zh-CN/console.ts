import type en from '../en/console.js';

/** zh-CN messages of the 'console' namespace: the same keys as en/console.ts (the types check it). */
export default {
  title: 'opsgate 控制台',
  connecting: '连接中…',
  live: '已连接',
  reconnecting: '重新连接中…',
  navExecutions: '执行列表',
  navQueues: '队列',
  devMode: '开发模式',
  devModeTitle: '无需登录：本机上的任何人都可以充当任何通讯录用户。设置 OPSGATE_API_TOKENS 以要求登录。',
  actingAs: '当前身份',
  signedInAs: '已登录为',
  signOut: '退出登录',
  placeholder: 'run 模板名 参数=值 …（试试：help）',
  commandLabel: '命令',
  send: '发送',
  noUsers: '（通讯录中没有用户）',
  onlyYou: '（仅你可见）{text}',
  cancel: '取消',
  rejectWhy: '拒绝审批单 {id} 的原因？',
  error: '错误 {status}',
  fieldTooLong: '{field} 必须是不超过 {max} 个字符的字符串',
} satisfies Record<keyof typeof en, string>;
