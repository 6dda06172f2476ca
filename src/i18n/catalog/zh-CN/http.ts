import type en from '../en/http.js';

/** zh-CN messages of the 'http' namespace: the same keys as en/http.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
