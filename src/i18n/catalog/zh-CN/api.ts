import type en from '../en/api.js';

/** zh-CN messages of the 'api' namespace: the same keys as en/api.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
