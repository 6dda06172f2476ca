import { runJq } from './jq.js';
import { JqProgram, literalProgram } from './jq-program.js';
import type { ParameterType } from './schema.js';

/**
 * ValueSelector and PropertySelector: a jq program over the action's JSON result, with the implicit
 * leading `.` of OOS (`Instances.Instance[].InstanceId`). Type List gathers every result; other
 * types take the first, then the value is coerced to the declared type.
 */
export async function select(
  result: unknown,
  selector: string | JqProgram,
  type: ParameterType,
  what = 'ValueSelector',
): Promise<unknown> {
  const values = await runJq(result, withLeadingDot(selector), `${what} ${String(selector)}`);
  if (type === 'List') return values.length === 1 && Array.isArray(values[0]) ? values[0] : values;
  return coerce(values[0] ?? null, type);
}

/** OOS's implicit leading `.`: `Instances.Instance[].InstanceId` is `.Instances.Instance[].InstanceId`. */
export function withLeadingDot(selector: string | JqProgram): JqProgram {
  const p = typeof selector === 'string' ? literalProgram(selector) : selector;
  const trimmed = p.text.trim();
  return /^[A-Za-z_]/.test(trimmed) ? new JqProgram(`.${trimmed}`, p.vars, String(p).trim()) : p;
}

/** A selected value as the declared output type. */
export function coerce(v: unknown, type: ParameterType): unknown {
  switch (type) {
    case 'String':
      return v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    case 'Number':
      return typeof v === 'number' ? v : Number(v);
    case 'Boolean':
      return typeof v === 'boolean' ? v : String(v).toLowerCase() === 'true';
    case 'List':
      return Array.isArray(v) ? v : v === null ? [] : [v];
    case 'Json':
      return typeof v === 'string' ? tryJson(v) : v;
  }
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
