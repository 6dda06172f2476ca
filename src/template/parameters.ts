import { ParameterError, type ParameterProblem } from '../errors.js';
import { msg, type Msg, t } from '../i18n/index.js';
import { evaluate, type Scope } from './expressions.js';
import { compilePattern } from './pattern.js';
import { joined, textOfError, withGot } from './problem.js';
import type { ParameterDef } from './schema.js';

/** A value a parameter refuses: `message` in English, `text` from the catalogue. */
class Refused extends Error {
  constructor(readonly text: Msg) {
    super(t('en', text.key, text.values));
  }
}

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
  const problem = (name: string, text: Msg) => problems.push({ name, problem: t('en', text.key, text.values), text });
  const defs = template.Parameters;
  const names = Object.keys(defs);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(defs, name))
      problem(name, msg('template:parameterUnknown', { none: names.length ? 'no' : 'yes', names: names.join(', ') }));
  }
  const out: Record<string, unknown> = {};
  const deferred: string[] = [];
  for (const [name, def] of Object.entries(defs)) {
    if (Object.hasOwn(given, name)) {
      try {
        out[name] = check(def, coerce(def, given[name]));
      } catch (e) {
        problem(name, textOfError(e));
      }
    } else if (def.Default !== undefined) {
      deferred.push(name);
    } else {
      problem(name, msg('template:parameterRequired', { type: def.Type }));
    }
  }
  // Defaults may refer to built-ins and to other parameters ('{{ ACS::RegionId }}', '{{a}}-{{b}}').
  for (const name of deferred) {
    const def = defs[name]!;
    try {
      const value = await evaluate(def.Default, { parameters: out, outputs: {}, builtins });
      out[name] = check(def, coerce(def, value));
    } catch (e) {
      problem(name, msg('template:parameterDefault', { problem: textOfError(e) }));
    }
  }
  if (problems.length) {
    const each = problems.map((p) => msg('template:atPath', { path: p.name, problem: p.text ?? p.problem }));
    throw new ParameterError(joined(each, 'template:twoClauses'), problems);
  }
  return out;
}

function coerce(def: ParameterDef, v: unknown): unknown {
  // What each Type must be, said by the catalogue (text, a number, true or false, a list, JSON).
  const bad = () =>
    new Refused(withGot(msg('template:parameterMustBe', { type: def.Type }), String(JSON.stringify(v))));
  switch (def.Type) {
    case 'String':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw bad();
    case 'Number': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      throw bad();
    }
    case 'Boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
      throw bad();
    case 'List':
      if (Array.isArray(v)) return v;
      if (typeof v === 'string') {
        if (v.trim().startsWith('[')) {
          const parsed = parseJson(v);
          if (Array.isArray(parsed)) return parsed;
          throw bad();
        }
        return v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      }
      throw bad();
    case 'Json':
      if (typeof v !== 'string') return v;
      {
        const parsed = parseJson(v);
        if (parsed === undefined) throw bad();
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
  // The template's own ConstraintDescription (its English), after what opsgate says.
  const constraint =
    typeof def.ConstraintDescription === 'string'
      ? def.ConstraintDescription
      : def.ConstraintDescription && typeof def.ConstraintDescription.en === 'string'
        ? def.ConstraintDescription.en
        : undefined;
  const fail = (why: Msg) =>
    new Refused(constraint === undefined ? why : msg('template:withConstraint', { problem: why, constraint }));
  if (
    def.AllowedValues &&
    !def.AllowedValues.some((a) => JSON.stringify(a) === JSON.stringify(v) || String(a) === String(v))
  ) {
    const values = def.AllowedValues.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ');
    throw fail(msg('template:mustBeOneOf', { values }));
  }
  if (typeof v === 'string') {
    // Lengths first: a value too long for the parameter never reaches the pattern.
    if (def.MinLength !== undefined && v.length < def.MinLength)
      throw fail(msg('template:mustHaveMinCharacters', { min: String(def.MinLength) }));
    if (def.MaxLength !== undefined && v.length > def.MaxLength)
      throw fail(msg('template:mustHaveMaxCharacters', { max: String(def.MaxLength) }));
    if (def.AllowedPattern && !allowedPattern(def.AllowedPattern).test(v))
      throw fail(msg('template:mustMatchPattern', { pattern: def.AllowedPattern }));
  }
  if (Array.isArray(v)) {
    if (def.MinLength !== undefined && v.length < def.MinLength)
      throw fail(msg('template:mustHaveMinItems', { min: String(def.MinLength) }));
    if (def.MaxLength !== undefined && v.length > def.MaxLength)
      throw fail(msg('template:mustHaveMaxItems', { max: String(def.MaxLength) }));
  }
  if (typeof v === 'number') {
    if (def.MinValue !== undefined && v < def.MinValue)
      throw fail(msg('template:mustBeAtLeast', { min: String(def.MinValue) }));
    if (def.MaxValue !== undefined && v > def.MaxValue)
      throw fail(msg('template:mustBeAtMost', { max: String(def.MaxValue) }));
  }
  return v;
}

/** A whole-value, linear-time pattern (pattern.ts); validate refuses the ones it cannot run. */
function allowedPattern(pattern: string): { test(v: string): boolean } {
  try {
    return compilePattern(pattern);
  } catch (err) {
    throw new Refused(msg('template:allowedPatternProblem', { problem: textOfError(err) }));
  }
}
