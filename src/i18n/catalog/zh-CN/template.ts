import type en from '../en/template.js';

/** zh-CN messages of the 'template' namespace: the same keys as en/template.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
