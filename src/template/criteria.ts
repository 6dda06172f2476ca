import { msg } from '../i18n/index.js';
import { compileSearch } from './pattern.js';
import { type Problem, problem, textOfError, withGot } from './problem.js';

/**
 * Criteria clauses of CONTRACT.md (the vRealize Automation Clause model): And, Or, Not, Constant,
 * Expression {Left, Operator, Right}. Left is a path into {parameters, request, outputs}.
 */
export const OPERATORS = [
  'equals',
  'notEquals',
  'in',
  'notIn',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  'greaterThan',
  'greaterThanOrEqual',
  'lessThan',
  'lessThanOrEqual',
  'isDefined',
] as const;
export type Operator = (typeof OPERATORS)[number];
export const PATH_ROOTS = ['parameters', 'request', 'outputs', 'context', 'template'] as const;

export type Clause =
  | { And: Clause[] }
  | { Or: Clause[] }
  | { Not: Clause }
  | { Constant: boolean }
  | { Expression: { Left: string; Operator: Operator; Right?: unknown } };

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Every problem of a clause, each with its path below the clause, for template validation. */
export function criteriaProblems(c: unknown, path: (string | number)[] = []): Problem[] {
  if (!isMap(c) || Object.keys(c).length !== 1) return [problem(path, msg('template:mustBeClause'))];
  const [key, v] = Object.entries(c)[0]!;
  switch (key) {
    case 'And':
    case 'Or':
      if (!Array.isArray(v) || !v.length) return [problem([...path, key], msg('template:mustBeClauseList'))];
      return v.flatMap((x, i) => criteriaProblems(x, [...path, key, i]));
    case 'Not':
      return criteriaProblems(v, [...path, key]);
    case 'Constant':
      return typeof v === 'boolean' || v === 'true' || v === 'false'
        ? []
        : [problem([...path, key], msg('template:mustBeTrueOrFalse'))];
    case 'Expression': {
      if (!isMap(v)) return [problem([...path, key], msg('template:mustBeComparison'))];
      const out: Problem[] = [];
      const root = typeof v.Left === 'string' ? v.Left.split('.')[0] : undefined;
      if (typeof v.Left !== 'string' || !PATH_ROOTS.includes(root as never)) {
        const wanted = msg('template:mustBePathFrom', { roots: PATH_ROOTS.join(', ') });
        out.push(problem([...path, key, 'Left'], withGot(wanted, String(JSON.stringify(v.Left)))));
      }
      if (!OPERATORS.includes(v.Operator as Operator))
        out.push(
          problem(
            [...path, key, 'Operator'],
            withGot(msg('template:mustBeOneOf', { values: OPERATORS.join(', ') }), String(JSON.stringify(v.Operator))),
          ),
        );
      if (v.Operator === 'matches') {
        try {
          compileSearch(String(v.Right));
        } catch (err) {
          out.push(problem([...path, key, 'Right'], textOfError(err)));
        }
      }
      const extra = Object.keys(v).filter((k) => !['Left', 'Operator', 'Right'].includes(k));
      for (const k of extra) out.push(problem([...path, key, k], msg('template:unknownKey', { key: k, hint: '' })));
      return out;
    }
    default:
      return [problem([...path, key], msg('template:unknownClause', { key }))];
  }
}

function at(subject: Record<string, unknown>, path: string): unknown {
  let v: unknown = subject;
  for (const k of path.split('.')) {
    if (!isMap(v) || !Object.hasOwn(v, k)) return undefined;
    v = v[k];
  }
  return v;
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));

/** Whether a clause holds for the subject {parameters, request, outputs, context}. */
export function holds(c: Clause, subject: Record<string, unknown>): boolean {
  if ('And' in c) return c.And.every((x) => holds(x, subject));
  if ('Or' in c) return c.Or.some((x) => holds(x, subject));
  if ('Not' in c) return !holds(c.Not, subject);
  if ('Constant' in c) return c.Constant === true || (c.Constant as unknown) === 'true';
  const { Left, Operator, Right } = c.Expression;
  const left = at(subject, Left);
  const list = Array.isArray(Right) ? Right : [Right];
  switch (Operator) {
    case 'isDefined':
      return left !== undefined && left !== null;
    case 'equals':
      return text(left) === text(Right);
    case 'notEquals':
      return text(left) !== text(Right);
    case 'in':
      return list.some((r) => text(r) === text(left));
    case 'notIn':
      return !list.some((r) => text(r) === text(left));
    case 'contains':
      return Array.isArray(left)
        ? left.some((x) => text(x) === text(Right))
        : String(left ?? '').includes(String(Right));
    case 'startsWith':
      return String(left ?? '').startsWith(String(Right));
    case 'endsWith':
      return String(left ?? '').endsWith(String(Right));
    case 'matches':
      // On RE2: the value is untrusted, the pattern must not backtrack on it (validate refuses what RE2 cannot run).
      try {
        return compileSearch(String(Right)).test(String(left ?? ''));
      } catch {
        return false;
      }
    case 'greaterThan':
      return num(left) > num(Right);
    case 'greaterThanOrEqual':
      return num(left) >= num(Right);
    case 'lessThan':
      return num(left) < num(Right);
    case 'lessThanOrEqual':
      return num(left) <= num(Right);
  }
}
