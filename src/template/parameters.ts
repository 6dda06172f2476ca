import { ParameterError, type ParameterProblem } from '../errors.js';
import { evaluate, type Scope } from './expressions.js';
import { compilePattern } from './pattern.js';
import type { ParameterDef } from './schema.js';

type Declared = { Parameters: Record<string, ParameterDef> };

/**
 * Turns the values a user gave (typed JSON from the API, or text from a chat command) into the
 * typed parameters of a template: defaults applied (they may be expressions), every value coerced
 * and checked, every violation named at once (`env: must be one of dev, prod`).
 */
export async function resolveParameters(
  template: Declared,
  given: Record<string, unknown>,
  builtins: Scope['builtins'] = {},
): Promise<Record<string, unknown>> {
  const problems: ParameterProblem[] = [];
  const problem = (name: string, text: string) => problems.push({ name, problem: text });
  const defs = template.Parameters;
  const names = Object.keys(defs);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(defs, name)) {
      const takes = names.length ? `the template takes ${names.join(', ')}` : 'the template takes none';
      problem(name, `unknown parameter (${takes})`);
    }
  }
  const out: Record<string, unknown> = {};
  const deferred: string[] = [];
  for (const [name, def] of Object.entries(defs)) {
    if (Object.hasOwn(given, name)) {
      try {
        out[name] = check(def, coerce(def, given[name]));
      } catch (e) {
        problem(name, (e as Error).message);
      }
    } else if (def.Default !== undefined) {
      deferred.push(name);
    } else {
      problem(name, `is required (${def.Type})`);
    }
  }
  // Defaults may refer to built-ins and to other parameters ('{{ ACS::RegionId }}', '{{a}}-{{b}}').
  for (const name of deferred) {
    const def = defs[name]!;
    try {
      const value = await evaluate(def.Default, { parameters: out, outputs: {}, builtins });
      out[name] = check(def, coerce(def, value));
    } catch (e) {
      problem(name, `default ${(e as Error).message}`);
    }
  }
  if (problems.length) throw new ParameterError(problems.map((p) => `${p.name}: ${p.problem}`).join('; '), problems);
  return out;
}

function coerce(def: ParameterDef, v: unknown): unknown {
  const bad = (what: string) => new Error(`must be ${what}, got ${JSON.stringify(v)}`);
  switch (def.Type) {
    case 'String':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw bad('text');
    case 'Number': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      throw bad('a number');
    }
    case 'Boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
      throw bad('true or false');
    case 'List':
      if (Array.isArray(v)) return v;
      if (typeof v === 'string') {
        if (v.trim().startsWith('[')) {
          const parsed = parseJson(v);
          if (Array.isArray(parsed)) return parsed;
          throw bad('a list');
        }
        return v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      }
      throw bad('a list');
    case 'Json':
      if (typeof v !== 'string') return v;
      {
        const parsed = parseJson(v);
        if (parsed === undefined) throw bad('JSON');
        return parsed;
      }
  }
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function check(def: ParameterDef, v: unknown): unknown {
  const fail = (why: string) => {
    const hint =
      typeof def.ConstraintDescription === 'string'
        ? ` (${def.ConstraintDescription})`
        : def.ConstraintDescription && typeof def.ConstraintDescription.en === 'string'
          ? ` (${def.ConstraintDescription.en})`
          : '';
    return new Error(`${why}${hint}`);
  };
  if (
    def.AllowedValues &&
    !def.AllowedValues.some((a) => JSON.stringify(a) === JSON.stringify(v) || String(a) === String(v))
  ) {
    throw fail(
      `must be one of ${def.AllowedValues.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ')}`,
    );
  }
  if (typeof v === 'string') {
    // Lengths first: a value too long for the parameter never reaches the pattern.
    if (def.MinLength !== undefined && v.length < def.MinLength)
      throw fail(`must be at least ${def.MinLength} characters`);
    if (def.MaxLength !== undefined && v.length > def.MaxLength)
      throw fail(`must be at most ${def.MaxLength} characters`);
    if (def.AllowedPattern && !allowedPattern(def.AllowedPattern).test(v))
      throw fail(`must match ${def.AllowedPattern} (the whole value)`);
  }
  if (Array.isArray(v)) {
    if (def.MinLength !== undefined && v.length < def.MinLength)
      throw fail(`must have at least ${def.MinLength} items`);
    if (def.MaxLength !== undefined && v.length > def.MaxLength) throw fail(`must have at most ${def.MaxLength} items`);
  }
  if (typeof v === 'number') {
    if (def.MinValue !== undefined && v < def.MinValue) throw fail(`must be at least ${def.MinValue}`);
    if (def.MaxValue !== undefined && v > def.MaxValue) throw fail(`must be at most ${def.MaxValue}`);
  }
  return v;
}

/** A whole-value, linear-time pattern (pattern.ts); validate refuses the ones it cannot run. */
function allowedPattern(pattern: string): { test(v: string): boolean } {
  try {
    return compilePattern(pattern);
  } catch (err) {
    throw new Error(`AllowedPattern ${(err as Error).message}`);
  }
}
