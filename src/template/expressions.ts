import { ExpressionError } from '../errors.js';
import { msg } from '../i18n/index.js';
import { functions } from './functions/index.js';
import { REFERENCE, STORE_REFERENCE, findName, wholeReference } from './references.js';
import { jqProgram } from './jq-program.js';

/** What `{{ }}` references resolve against while an execution runs. */
export interface Scope {
  parameters: Record<string, unknown>;
  /** Declared outputs of tasks that have run, by task name. */
  outputs: Record<string, Record<string, unknown>>;
  /** Built-ins by full name, e.g. `ACS::ExecutionId`. */
  builtins: Record<string, unknown>;
  now?: () => Date;
}

/** A reference's value. Names match as OOS matches them: exactly, else ignoring case. */
export function lookup(ref: string, scope: Scope): unknown {
  if (/^acs::/i.test(ref)) {
    const name = findName(Object.keys(scope.builtins), ref);
    if (name) return scope.builtins[name];
    throw new ExpressionError(msg('template:referenceNotAvailable', { ref }));
  }
  if (STORE_REFERENCE.test(ref)) throw new ExpressionError(msg('template:referenceToParameterStore', { ref }));
  const param = findName(Object.keys(scope.parameters), ref);
  if (param) return scope.parameters[param];
  const dot = ref.indexOf('.');
  if (dot > 0) {
    const head = ref.slice(0, dot);
    const rest = ref.slice(dot + 1);
    const task = findName(Object.keys(scope.outputs), head);
    if (task) {
      const out = findName(Object.keys(scope.outputs[task]!), rest);
      if (out) return scope.outputs[task]![out];
    }
    const container = findName(Object.keys(scope.parameters), head);
    if (container) return dig(scope.parameters[container], rest.split('.'), ref);
    if (!task) throw new ExpressionError(msg('template:referenceTaskNotRun', { ref, task: head }));
  }
  throw new ExpressionError(msg('template:referenceNamesNothing', { ref }));
}

function dig(value: unknown, keys: string[], ref: string): unknown {
  let v = value;
  for (const k of keys) {
    if (!v || typeof v !== 'object' || !Object.hasOwn(v, k))
      throw new ExpressionError(msg('template:referenceNoKey', { ref, key: k }));
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** A value as it reads inside text: strings as they are, everything else as JSON. */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

/**
 * Resolves `{{ }}` in one string: exactly one reference keeps the value's type; references inside
 * longer text become text. What a reference inserts is data: it is never evaluated again.
 */
export function interpolateString(value: string, scope: Scope): unknown {
  const whole = wholeReference(value);
  if (whole !== undefined) return lookup(whole, scope);
  return value.replace(REFERENCE, (_, ref: string) => asText(lookup(ref, scope)));
}

/** Resolves `{{ }}` everywhere in a value without evaluating functions (e.g. for display). */
export function interpolate(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return interpolateString(value, scope);
  if (Array.isArray(value)) return value.map((v) => interpolate(v, scope));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, scope)]));
  return value;
}

function fnName(value: object): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0]!.startsWith('Fn::') ? keys[0]!.slice(4) : undefined;
}

/**
 * Evaluates a template value as OOS does: `{{ }}` first (inside strings, also inside jq text), then
 * `Fn::` calls from the innermost out. Fn::If evaluates only the branch it takes.
 */
export async function evaluate(value: unknown, scope: Scope, path = ''): Promise<unknown> {
  if (typeof value === 'string') return interpolateString(value, scope);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(await evaluate(value[i], scope, `${path}[${i}]`));
    return out;
  }
  if (!value || typeof value !== 'object') return value;
  const name = fnName(value);
  if (name === undefined) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await evaluate(v, scope, path ? `${path}.${k}` : k);
    return out;
  }
  const raw = (value as Record<string, unknown>)[`Fn::${name}`];
  if (name === 'If') {
    if (!Array.isArray(raw) || raw.length !== 3)
      throw new ExpressionError(
        msg('functions:failed', {
          fn: 'If',
          problem: msg('functions:expects', { what: '[condition, valueIfTrue, valueIfFalse]' }),
        }),
      );
    return evaluate(truthy(await evaluate(raw[0], scope, path)) ? raw[1] : raw[2], scope, path);
  }
  const fn = functions[name] ?? functions[findName(Object.keys(functions), name) ?? ''];
  if (!fn) throw new ExpressionError(msg('functions:notAFunction', { name }));
  // Fn::Jq's script as written is jq code: its references become jq variables, never pasted text.
  if (fn === functions.Jq && Array.isArray(raw) && typeof raw[1] === 'string') {
    const [method, , object, ...more] = (await evaluate([raw[0], null, ...raw.slice(2)], scope, path)) as unknown[];
    return fn([method, jqProgram(raw[1], scope), object, ...more], { now: scope.now ?? (() => new Date()) });
  }
  return fn(await evaluate(raw, scope, path), { now: scope.now ?? (() => new Date()) });
}

/** OOS conditions are booleans or the strings 'true'/'false' (a `{{ flag }}` may give either). */
export function truthy(v: unknown): boolean {
  if (typeof v === 'string') return v.trim().toLowerCase() === 'true';
  if (Array.isArray(v) && v.length === 1) return truthy(v[0]);
  return v === true;
}
