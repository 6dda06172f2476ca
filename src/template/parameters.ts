import { ParameterError } from '../errors.js';
import { interpolate, type Scope } from './expressions.js';
import type { ParameterDef, Template } from './schema.js';

export const MASK = '******';

/**
 * Turns the values a user gave (typed JSON from the API, or text from a chat command) into the
 * typed parameters of a template: defaults applied, every value coerced and checked. Every problem is
 * reported at once.
 */
export function resolveParameters(
  template: Template,
  given: Record<string, unknown>,
  builtins: Scope['builtins'] = {},
): Record<string, unknown> {
  const problems: string[] = [];
  const defs = template.Parameters;
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(defs, name)) problems.push(`unknown parameter ${name}${hint(Object.keys(defs))}`);
  }
  const out: Record<string, unknown> = {};
  const deferred: string[] = [];
  for (const [name, def] of Object.entries(defs)) {
    if (Object.hasOwn(given, name)) {
      try { out[name] = check(name, def, coerce(name, def, given[name])); } catch (e) { problems.push((e as Error).message); }
    } else if (def.Default !== undefined) {
      deferred.push(name);
    } else {
      problems.push(`missing required parameter ${name} (${def.Type})`);
    }
  }
  // Defaults may refer to built-ins and to other parameters ('{{ ACS::RegionId }}', '{{a}}-{{b}}').
  for (const name of deferred) {
    const def = defs[name]!;
    try {
      out[name] = check(name, def, coerce(name, def, interpolate(def.Default, { parameters: out, outputs: {}, builtins })));
    } catch (e) { problems.push(`default of ${name}: ${(e as Error).message}`); }
  }
  if (problems.length) throw new ParameterError(problems.join('; '));
  return out;
}

function hint(names: string[]): string {
  return names.length ? ` (the template takes: ${names.join(', ')})` : ' (the template takes none)';
}

function coerce(name: string, def: ParameterDef, v: unknown): unknown {
  const bad = (what: string) => new ParameterError(`parameter ${name} must be ${what}, got ${JSON.stringify(v)}`);
  switch (def.Type) {
    case 'String':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw bad('a string');
    case 'Number': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      throw bad('a number');
    }
    case 'Boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      throw bad('true or false');
    case 'List':
      if (Array.isArray(v)) return v;
      if (typeof v === 'string') {
        if (v.trim().startsWith('[')) {
          const parsed = parseJson(v);
          if (Array.isArray(parsed)) return parsed;
          throw bad('a list');
        }
        return v.split(',').map((s) => s.trim()).filter(Boolean);
      }
      throw bad('a list');
    case 'Json':
      return typeof v === 'string' ? (parseJson(v) ?? (() => { throw bad('JSON'); })()) : v;
  }
}

function parseJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return undefined; }
}

function check(name: string, def: ParameterDef, v: unknown): unknown {
  const fail = (why: string) => {
    const hint = typeof def.ConstraintDescription === 'string' ? ` (${def.ConstraintDescription})` : '';
    return new ParameterError(`parameter ${name} ${why}${hint}`);
  };
  if (def.AllowedValues && !def.AllowedValues.some((a) => JSON.stringify(a) === JSON.stringify(v))) {
    throw fail(`must be one of ${def.AllowedValues.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  if (typeof v === 'string') {
    if (def.AllowedPattern && !new RegExp(def.AllowedPattern).test(v)) throw fail(`must match ${def.AllowedPattern}`);
    if (def.MinLength !== undefined && v.length < def.MinLength) throw fail(`must be at least ${def.MinLength} characters`);
    if (def.MaxLength !== undefined && v.length > def.MaxLength) throw fail(`must be at most ${def.MaxLength} characters`);
  }
  if (typeof v === 'number') {
    if (def.MinValue !== undefined && v < def.MinValue) throw fail(`must be at least ${def.MinValue}`);
    if (def.MaxValue !== undefined && v > def.MaxValue) throw fail(`must be at most ${def.MaxValue}`);
  }
  return v;
}

/** Parameters as they may be shown to people: NoEcho values masked. */
export function maskParameters(template: Template, params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => {
    const noEcho = template.Parameters[k]?.NoEcho;
    return [k, noEcho === true || noEcho === 'true' ? MASK : v];
  }));
}
