/** `{{ name }}` references inside any value: the one pattern every part of opsgate uses. */
export const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;

/** The reference when the string is exactly one `{{ x }}`, which keeps the value's type. */
export function wholeReference(s: string): string | undefined {
  return WHOLE.exec(s)?.[1];
}

/** Every reference in a value, with the path where it was found. */
export function* references(value: unknown, path: (string | number)[] = []): Generator<{ ref: string; path: (string | number)[] }> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(REFERENCE)) yield { ref: m[1]!, path };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* references(value[i], [...path, i]);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* references(v, [...path, k]);
  }
}
