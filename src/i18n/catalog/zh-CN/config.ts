import type en from '../en/config.js';

/** zh-CN messages of the 'config' namespace: the same keys as en/config.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
