import type { Action } from './types.js';

/** ACS::Pause: waits, holding no worker, until NotifyExecution says to go on (Approve). */
export const pause: Action = {
  async run({ signals }) {
    if (signals.resume) return { kind: 'success', result: {} };
    return { kind: 'wait', message: 'paused: waiting for NotifyExecution to resume' };
  },
};
