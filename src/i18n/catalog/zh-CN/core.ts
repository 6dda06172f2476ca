import type en from '../en/core.js';

/** zh-CN messages of the 'core' namespace: the same keys as en/core.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
