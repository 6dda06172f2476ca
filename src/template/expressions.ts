import { ExpressionError } from '../errors.js';
import { REFERENCE, wholeReference } from './references.js';

/** What `{{ }}` references resolve against while an execution runs. */
export interface Scope {
  parameters: Record<string, unknown>;
  /** Declared outputs of tasks that have run, by task name. */
  outputs: Record<string, Record<string, unknown>>;
  /** Built-ins by full name, e.g. `ACS::ExecutionId`. */
  builtins: Record<string, unknown>;
}

export function lookup(ref: string, scope: Scope): unknown {
  if (ref.startsWith('ACS::')) {
    if (ref in scope.builtins) return scope.builtins[ref];
    throw new ExpressionError(`{{ ${ref} }} is not available here`);
  }
  if (Object.hasOwn(scope.parameters, ref)) return scope.parameters[ref];
  const dot = ref.indexOf('.');
  if (dot > 0) {
    const task = ref.slice(0, dot);
    const outputs = scope.outputs[task];
    if (outputs && Object.hasOwn(outputs, ref.slice(dot + 1))) return outputs[ref.slice(dot + 1)];
    if (!outputs) throw new ExpressionError(`{{ ${ref} }}: task ${task} has not run`);
  }
  throw new ExpressionError(`{{ ${ref} }} does not name a parameter or a task output`);
}

/** A value as it reads inside text: strings as they are, everything else as JSON. */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? '';
}

/**
 * Resolves every `{{ }}` in a value. A string that is exactly one reference becomes the referenced
 * value with its type (list, map, number); a reference inside longer text becomes its text.
 */
export function interpolate(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') {
    const whole = wholeReference(value);
    if (whole !== undefined) return lookup(whole, scope);
    return value.replace(REFERENCE, (_, ref: string) => asText(lookup(ref, scope)));
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, scope));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0]!.startsWith('Fn::')) {
      throw new ExpressionError(`${keys[0]} is not supported yet`);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, scope)]));
  }
  return value;
}

/** OOS conditions are booleans or the strings 'true'/'false' (a `{{ flag }}` may give either). */
export function truthy(v: unknown): boolean {
  if (typeof v === 'string') return v.trim().toLowerCase() === 'true';
  return v === true;
}
