import { runJq } from './jq.js';
import type { ParameterType } from './schema.js';

/**
 * ValueSelector and PropertySelector: a jq program over the action's JSON result, with the implicit
 * leading `.` of OOS (`Instances.Instance[].InstanceId`). Type List gathers every result; other
 * types take the first, then the value is coerced to the declared type.
 */
export async function select(result: unknown, selector: string, type: ParameterType, what = 'ValueSelector'): Promise<unknown> {
  const trimmed = selector.trim();
  const program = /^[A-Za-z_]/.test(trimmed) ? `.${trimmed}` : trimmed;
  const values = await runJq(result, program, `${what} ${selector}`);
  if (type === 'List') return values.length === 1 && Array.isArray(values[0]) ? values[0] : values;
  return coerce(values[0] ?? null, type);
}

/** A selected value as the declared output type. */
export function coerce(v: unknown, type: ParameterType): unknown {
  switch (type) {
    case 'String': return v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    case 'Number': return typeof v === 'number' ? v : Number(v);
    case 'Boolean': return typeof v === 'boolean' ? v : String(v).toLowerCase() === 'true';
    case 'List': return Array.isArray(v) ? v : v === null ? [] : [v];
    case 'Json': return typeof v === 'string' ? tryJson(v) : v;
  }
}

function tryJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return s; }
}
