import type en from '../en/mail.js';

/** zh-CN messages of the 'mail' namespace: the same keys as en/mail.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
