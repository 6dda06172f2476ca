import type { Action } from './types.js';

/** ISO-8601 durations as OOS writes them (PT10S, PT1M30S, P1D); a number means seconds. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number' && v >= 0) return v * 1000;
  if (typeof v !== 'string') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(v);
  if (!m || v === 'P' || v.endsWith('T')) return undefined;
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number];
  return (((d * 24 + h) * 60 + min) * 60 + s) * 1000;
}

/** ACS::Sleep: waits without holding a worker; the worker schedules the wake-up. */
export const sleep: Action = {
  async run({ properties, record, ports }) {
    const wakeAt = record?.data?.wakeAt as number | undefined;
    if (wakeAt !== undefined) {
      return ports.now() >= wakeAt ? { kind: 'success', result: {} } : { kind: 'wait', message: 'sleeping', data: { wakeAt }, resumeAt: wakeAt };
    }
    const ms = parseDuration(properties.Duration);
    if (ms === undefined) return { kind: 'failed', message: `Duration must be an ISO-8601 duration such as PT10S, got ${JSON.stringify(properties.Duration)}` };
    if (ms === 0) return { kind: 'success', result: {} };
    const at = ports.now() + ms;
    return { kind: 'wait', message: `sleeping until ${new Date(at).toISOString()}`, data: { wakeAt: at }, resumeAt: at };
  },
};
