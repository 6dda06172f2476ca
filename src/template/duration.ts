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
