import type en from '../en/cli.js';

/** zh-CN messages of the 'cli' namespace: the same keys as en/cli.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
