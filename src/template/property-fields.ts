import { z } from 'zod';
import { parseDuration } from './duration.js';
import { isExpression } from './schema.js';

/**
 * Building blocks of the actions' Properties schemas. Every typed field is wrapped in `ex`: a `{{ }}`
 * text or an `Fn::` map stands for any value there, and its type is checked when the task runs.
 */

const inner = new WeakMap<z.ZodType, z.ZodType>();

/** A value of `s` or an expression; `required` makes its absence a problem. */
export function ex(s: z.ZodType, required = false): z.ZodType {
  const field = z.unknown().superRefine((v, ctx) => {
    if (v === undefined) {
      if (required) ctx.addIssue({ code: 'custom', message: 'is required' });
      return;
    }
    if (isExpression(v)) return;
    const r = s.safeParse(v, { reportInput: true });
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  });
  inner.set(field, s);
  return required ? field : field.optional();
}

export const req = (s: z.ZodType) => ex(s, true);

/** Any value: free-form data such as a request body. */
export const any = z.unknown().optional();
export const text = z.string({ error: 'must be text' });
export const name = text.min(1, 'must not be empty');
export const flag = z.union([z.boolean(), z.enum(['true', 'false'])], { error: 'must be true or false' });
const DURATION = 'must be an ISO-8601 duration such as PT10M (or seconds)';
export const duration = z.union(
  [z.number().min(0), z.string().refine((s) => parseDuration(s) !== undefined, DURATION)],
  { error: DURATION },
);
/** A map of free-form values (API parameters, headers); OOS templates also write null for none. */
export const map = z.record(z.string(), z.unknown(), { error: 'must be a map' }).nullable();
export const list = (item: z.ZodType = z.unknown(), error = 'must be a list') => z.array(item, { error });
/** Text or a number: values OOS passes on as text (thresholds, periods). */
export const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'must be text or a number' });
/** One value or a list of them (trigger filters). */
export const oneOrMany = z.union([scalar, z.array(ex(scalar))], { error: 'must be text or a list of text' });

/** The Properties of an action: exactly these keys. */
export const props = (shape: Record<string, z.ZodType>) => z.strictObject(shape);

/** The keys of the map a path points at below `schema`, for "did you mean". */
export function keysAt(schema: z.ZodType, path: (string | number)[]): string[] {
  let s: z.ZodType | undefined = schema;
  for (const key of [...path, undefined]) {
    for (;;) {
      if (s && inner.has(s)) s = inner.get(s);
      else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
      else break;
    }
    if (key === undefined) break;
    if (s instanceof z.ZodObject) s = s.shape[key as string] as z.ZodType | undefined;
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) s = s.valueType as z.ZodType;
    else return [];
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}
