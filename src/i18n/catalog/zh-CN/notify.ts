import type en from '../en/notify.js';

/** zh-CN messages of the 'notify' namespace: the same keys as en/notify.ts (the types check it). */
export default {
  robotLater: '机器人每分钟最多发送 20 条消息：稍后再发',
  noEmail: '通讯录中没有 {names} 的邮箱',
} satisfies Record<keyof typeof en, string>;
