import { msg, type Msg } from '../i18n/index.js';

/** Suggestions for a misspelt name: the known name it is closest to, when close enough. */

/** " (did you mean X?)" when a known name is close to the wrong one; '' when none is. */
export function didYouMean(wrong: string, known: Iterable<string>): Msg | '' {
  const best = closest(wrong, known);
  return best ? msg('template:didYouMean', { name: best }) : '';
}

export function closest(wrong: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const w = wrong.toLowerCase();
  for (const k of known) {
    const d = distance(w, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  if (wrong.length < 3) return undefined;
  // A known name that starts with the wrong one is what was meant (BatchPause -> BatchPauseOption).
  const prefixed = wrong.length >= 4 ? [...known].find((k) => k.toLowerCase().startsWith(w)) : undefined;
  if (prefixed && (best === undefined || bestDistance > 1)) return prefixed;
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(1, Math.floor(wrong.length / 3)) ? best : undefined;
}

/** Edit distance counting a swap of two neighbours as one edit (Nmae -> Name). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
