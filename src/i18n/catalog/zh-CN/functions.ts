import type en from '../en/functions.js';

/** zh-CN messages of the 'functions' namespace: the same keys as en/functions.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
