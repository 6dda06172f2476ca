/** `{{ name }}` references inside any value: the one pattern every part of opsgate uses. */
export const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;

/** Built-in variables, `{{ ACS::Name }}`. */
export const BUILTINS = [
  'ACS::ExecutionId',
  'ACS::RegionId',
  'ACS::AccountId',
  'ACS::ExecuteUser',
  'ACS::TaskLoopItem',
  'ACS::CurrentUTCTime',
  'ACS::CurrentDate',
  'ACS::TemplateName',
  'ACS::TemplateVersion',
  'ACS::OOSUtilVersion',
  // opsgate's own: the server's base URL (engine/builtins.ts).
  'ACS::OpsgateUrl',
];

/** OOS parameter-store references (`{{ oos:Name }}`, `{{ oos-secret:Name }}`), resolved by OOS itself. */
export const STORE_REFERENCE = /^oos(-secret)?:/i;

/** The reference when the string is exactly one `{{ x }}`, which keeps the value's type. */
export function wholeReference(s: string): string | undefined {
  return WHOLE.exec(s)?.[1];
}

/** Every reference in a value, with the path where it was found. */
export function* references(
  value: unknown,
  path: (string | number)[] = [],
): Generator<{ ref: string; path: (string | number)[] }> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(REFERENCE)) yield { ref: m[1]!, path };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* references(value[i], [...path, i]);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* references(v, [...path, k]);
  }
}

/**
 * Finds a name the way OOS does: exactly, else ignoring case (the public templates write
 * `{{ RegionId }}` for a parameter `regionId`, and `{{ Acs::CurrentDate }}`).
 */
export function findName(names: Iterable<string>, wanted: string): string | undefined {
  let loose: string | undefined;
  const lower = wanted.toLowerCase();
  for (const n of names) {
    if (n === wanted) return n;
    if (loose === undefined && n.toLowerCase() === lower) loose = n;
  }
  return loose;
}
