import type en from '../en/chat.js';

/** zh-CN messages of the 'chat' namespace: the same keys as en/chat.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
