import type en from '../en/slack.js';

/** zh-CN messages of the 'slack' namespace: the same keys as en/slack.ts (the types check it). */
export default {} satisfies Record<keyof typeof en, string>;
