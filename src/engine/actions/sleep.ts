import { parseDuration } from '../../template/duration.js';
import { duration, props, req } from '../../template/property-fields.js';
import { said } from '../message.js';
import type { BuiltinAction } from './types.js';

export { parseDuration };

/** ACS::Sleep: waits without holding a worker; the worker schedules the wake-up. */
export const sleep: BuiltinAction = {
  name: 'ACS::Sleep',
  local: true,
  // Duration: ISO-8601 (PT10S) or OOS's contracted forms (10s, 1H2M).
  schema: props({ Duration: req(duration) }),
  async run({ properties, record, ports }) {
    const wakeAt = record?.data?.wakeAt as number | undefined;
    if (wakeAt !== undefined) {
      return ports.now() >= wakeAt
        ? { kind: 'success', result: {} }
        : { kind: 'wait', ...said('actions:sleeping'), data: { wakeAt }, resumeAt: wakeAt };
    }
    const ms = parseDuration(properties.Duration);
    if (ms === undefined)
      return { kind: 'failed', ...said('actions:durationInvalid', { value: JSON.stringify(properties.Duration) }) };
    if (ms === 0) return { kind: 'success', result: {} };
    const at = ports.now() + ms;
    return {
      kind: 'wait',
      ...said('actions:sleepingUntil', { time: new Date(at).toISOString() }),
      data: { wakeAt: at },
      resumeAt: at,
    };
  },
};
