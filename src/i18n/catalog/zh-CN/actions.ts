import type en from '../en/actions.js';

/** zh-CN messages of the 'actions' namespace: the same keys as en/actions.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
