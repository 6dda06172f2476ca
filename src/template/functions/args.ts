import { ExpressionError } from '../../errors.js';

/** Shared argument checks, so every function reports bad input the same way: `Fn::Name: what`. */

export function fail(fn: string, message: string): never {
  throw new ExpressionError(`Fn::${fn}: ${message}`);
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
  if (!Array.isArray(args) || args.length < min || args.length > max) fail(fn, `expects ${shape}`);
  return args;
}

export function asList(fn: string, v: unknown, what = 'a list'): unknown[] {
  const parsed = parseJsonText(v);
  if (!Array.isArray(parsed)) fail(fn, `expects ${what}, got ${describe(v)}`);
  return parsed;
}

export function asMap(fn: string, v: unknown, what = 'a map'): Record<string, unknown> {
  const parsed = parseJsonText(v);
  if (!isMap(parsed)) fail(fn, `expects ${what}, got ${describe(v)}`);
  return parsed;
}

const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** The number a value stands for (numbers and numeric strings), or undefined. */
export function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return undefined;
}

export function asNumber(fn: string, v: unknown, what: string): number {
  const n = numberOf(v);
  if (n === undefined) fail(fn, `${what} must be a number, got ${describe(v)}`);
  return n;
}

export function asInteger(fn: string, v: unknown, what: string): number {
  const n = numberOf(v);
  if (n === undefined || !Number.isInteger(n)) fail(fn, `${what} must be a whole number, got ${describe(v)}`);
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

export function asBool(fn: string, v: unknown, what = 'a condition'): boolean {
  const b = boolOf(v);
  if (b === undefined) fail(fn, `${what} must be true or false, got ${describe(v)}`);
  return b;
}

/** Scalars become their text; lists and maps are refused because their text is rarely meant. */
export function asString(fn: string, v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  fail(fn, `${what} must be a string, got ${describe(v)}`);
}
