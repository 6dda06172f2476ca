import type en from '../en/engine.js';

/** zh-CN messages of the 'engine' namespace: the same keys as en/engine.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
