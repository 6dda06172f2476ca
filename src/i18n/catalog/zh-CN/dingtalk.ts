import type en from '../en/dingtalk.js';

/** zh-CN messages of the 'dingtalk' namespace: the same keys as en/dingtalk.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
