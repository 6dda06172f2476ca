import { parseDuration } from '../../template/duration.js';
import { duration, props, req } from '../../template/property-fields.js';
import type { BuiltinAction } from './types.js';

export { parseDuration };

/** ACS::Sleep: waits without holding a worker; the worker schedules the wake-up. */
export const sleep: BuiltinAction = {
  name: 'ACS::Sleep',
  // Duration: ISO-8601 (PT10S) or OOS's contracted forms (10s, 1H2M).
  schema: props({ Duration: req(duration) }),
  async run({ properties, record, ports }) {
    const wakeAt = record?.data?.wakeAt as number | undefined;
    if (wakeAt !== undefined) {
      return ports.now() >= wakeAt
        ? { kind: 'success', result: {} }
        : { kind: 'wait', message: 'sleeping', data: { wakeAt }, resumeAt: wakeAt };
    }
    const ms = parseDuration(properties.Duration);
    if (ms === undefined)
      return {
        kind: 'failed',
        message: `Duration must be an ISO-8601 duration such as PT10S, got ${JSON.stringify(properties.Duration)}`,
      };
    if (ms === 0) return { kind: 'success', result: {} };
    const at = ports.now() + ms;
    return {
      kind: 'wait',
      message: `sleeping until ${new Date(at).toISOString()}`,
      data: { wakeAt: at },
      resumeAt: at,
    };
  },
};
