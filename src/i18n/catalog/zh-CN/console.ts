import type en from '../en/console.js';

/** zh-CN messages of the 'console' namespace: the same keys as en/console.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
