import { ExpressionError } from '../../errors.js';
import { msg, type Msg } from '../../i18n/index.js';

/**
 * Shared argument checks, so every function reports bad input the same way: `Fn::Name: what`.
 * `what` names the argument: a catalogue message (`the delimiter`), or the argument's own name as the
 * function's signature writes it (`start`, `hours`), which no language translates.
 */
export type What = Msg | string;

export function fail(fn: string, problem: Msg): never {
  throw new ExpressionError(msg('functions:failed', { fn, problem }));
}

/** A short rendering of a value for error messages; long values would bury the point. */
export function describe(v: unknown): string {
  const text = typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Strings and nothing else pass through; everything else becomes JSON, as `{{ }}` embedding does. */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

/** Outputs declared `Type: String` can hold JSON; parse only text that looks like a list or a map. */
export function parseJsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('[') || t.startsWith('{'))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

/** Positional args: exactly `count` items (or between min and max) in a list. */
export function positional(fn: string, args: unknown, shape: string, min: number, max = min): unknown[] {
  if (!Array.isArray(args) || args.length < min || args.length > max)
    fail(fn, msg('functions:expects', { what: shape }));
  return args;
}

export function asList(fn: string, v: unknown, what: What = msg('functions:aList')): unknown[] {
  const parsed = parseJsonText(v);
  if (!Array.isArray(parsed)) fail(fn, msg('functions:expectsGot', { what, value: describe(v) }));
  return parsed;
}

export function asMap(fn: string, v: unknown, what: What = msg('functions:aMap')): Record<string, unknown> {
  const parsed = parseJsonText(v);
  if (!isMap(parsed)) fail(fn, msg('functions:expectsGot', { what, value: describe(v) }));
  return parsed;
}

const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** The number a value stands for (numbers and numeric strings), or undefined. */
export function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return undefined;
}

export function asNumber(fn: string, v: unknown, what: What): number {
  const n = numberOf(v);
  if (n === undefined) fail(fn, msg('functions:mustBeNumber', { what, value: describe(v) }));
  return n;
}

export function asInteger(fn: string, v: unknown, what: What): number {
  const n = numberOf(v);
  if (n === undefined || !Number.isInteger(n))
    fail(fn, msg('functions:mustBeWholeNumber', { what, value: describe(v) }));
  return n;
}

/** The boolean a value stands for (booleans and 'true'/'false' in any case), or undefined. */
export function boolOf(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  return undefined;
}

export function asBool(fn: string, v: unknown, what: What = msg('functions:aCondition')): boolean {
  const b = boolOf(v);
  if (b === undefined) fail(fn, msg('functions:mustBeTrueOrFalse', { what, value: describe(v) }));
  return b;
}

/** Scalars become their text; lists and maps are refused because their text is rarely meant. */
export function asString(fn: string, v: unknown, what: What): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  fail(fn, msg('functions:mustBeString', { what, value: describe(v) }));
}
