import type { Action } from './types.js';

/**
 * ISO-8601 durations as OOS takes them: PT10S, PT1M30S, P1DT2H, and the contracted forms 1S, 1m,
 * 1H2M, in any case; a bare number means seconds.
 */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number' && v >= 0) return v * 1000;
  if (typeof v !== 'string') return undefined;
  const text = v.trim().toUpperCase();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const iso = /^P/.test(text) ? text : /D/.test(text) ? `P${text}` : `PT${text}`;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) return undefined;
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
