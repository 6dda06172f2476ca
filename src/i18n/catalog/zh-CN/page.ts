import type en from '../en/page.js';

/** zh-CN messages of the 'page' namespace: the same keys as en/page.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
