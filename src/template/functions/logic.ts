import { msg } from '../../i18n/index.js';
import { asBool, boolOf, fail, isMap, numberOf, parseJsonText, positional } from './args.js';

/** Conditions: Equals, Not, And, Or. (If is evaluated lazily by the caller.) */

/**
 * Deep equality with the coercions templates rely on: `'{{ flag }}'` against `true`, a numeric
 * string against a number, and a list or map against its JSON text (outputs of `Type: String`).
 */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') return false;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    return typeof a === 'boolean' ? boolOf(b) === a : boolOf(a) === b;
  }
  if (typeof a === 'number' || typeof b === 'number') {
    const x = numberOf(a);
    return x !== undefined && x === numberOf(b);
  }
  if (typeof a === 'string' || typeof b === 'string') {
    const x = parseJsonText(a);
    const y = parseJsonText(b);
    return typeof x !== 'string' && typeof y !== 'string' && looseEquals(x, y);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => looseEquals(item, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && looseEquals(a[k], b[k]));
  }
  return false;
}

function Equals(args: unknown): boolean {
  const [a, b] = positional('Equals', args, '[value1, value2]', 2);
  return looseEquals(a, b);
}

function Not(args: unknown): boolean {
  // The doc writes the condition bare or as a one-element list; accept both.
  if (Array.isArray(args)) {
    if (args.length !== 1) fail('Not', msg('functions:expectsOneCondition'));
    return !asBool('Not', args[0]);
  }
  return !asBool('Not', args);
}

function conditions(fn: string, args: unknown): boolean[] {
  if (!Array.isArray(args) || args.length === 0)
    fail(fn, msg('functions:expects', { what: msg('functions:conditions') }));
  return args.map((c, i) => asBool(fn, c, msg('functions:conditionN', { n: String(i + 1) })));
}

function And(args: unknown): boolean {
  return conditions('And', args).every(Boolean);
}

function Or(args: unknown): boolean {
  return conditions('Or', args).some(Boolean);
}

export const logic = { Equals, Not, And, Or };
