/**
 * What PostgreSQL's text and jsonb can hold: neither takes U+0000, jsonb no lone surrogate either.
 * Documents are json (kept as written, escapes and all); the columns SQL filters on (names, tags,
 * comments) are cleaned with these, so that no value a run may carry fails its write forever.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** U+0000 and lone surrogates as U+FFFD. */
export const storableText = (s: string): string => s.replace(/\0/g, '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');

/** A JSON-like value whose strings and keys PostgreSQL can hold. */
export function storable(v: unknown): unknown {
  if (typeof v === 'string') return storableText(v);
  if (Array.isArray(v)) return v.map(storable);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [storableText(k), storable(x)]));
  return v;
}
