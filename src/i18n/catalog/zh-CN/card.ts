import type en from '../en/card.js';

/** zh-CN messages of the 'card' namespace: the same keys as en/card.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
