import { evaluate } from './eval.js';
import { jq } from './jq.js';
import { lists } from './lists.js';
import { logic } from './logic.js';
import { maps } from './maps.js';
import { network } from './network.js';
import { sets } from './sets.js';
import { strftime } from './strftime.js';
import { strings } from './strings.js';
import { time } from './time.js';

/**
 * OOS built-in `Fn::` functions. The caller evaluates args first (every `{{ }}` and nested call)
 * and handles Fn::If lazily; these only compute, throwing ExpressionError on bad input.
 */

export interface FnContext {
  now(): Date;
}
export type FnImpl = (args: unknown, ctx: FnContext) => unknown | Promise<unknown>;

/**
 * By name without the `Fn::` prefix, e.g. functions.Equals. No prototype, so a template naming
 * `Fn::toString` or `Fn::constructor` finds nothing rather than an Object method.
 */
export const functions: Record<string, FnImpl> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, FnImpl>, {
    ...logic,
    ...lists,
    ...sets,
    ...maps,
    ...strings,
    ...time,
    ...strftime,
    ...evaluate,
    ...jq,
    ...network,
  }),
);
