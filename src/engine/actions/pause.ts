import { props } from '../../template/property-fields.js';
import { said } from '../message.js';
import type { BuiltinAction } from './types.js';

/** ACS::Pause: waits, holding no worker, until NotifyExecution says to go on (Approve). */
export const pause: BuiltinAction = {
  name: 'ACS::Pause',
  local: true,
  // It takes nothing: NotifyExecution resumes it.
  schema: props({}),
  async run({ signals }) {
    if (signals.resume) return { kind: 'success', result: {} };
    return { kind: 'wait', ...said('actions:paused') };
  },
};
