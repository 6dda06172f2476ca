import type en from '../en/notify.js';

/** zh-CN messages of the 'notify' namespace: the same keys as en/notify.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
