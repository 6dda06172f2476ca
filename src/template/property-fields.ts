import { z } from 'zod';
import { msg } from '../i18n/index.js';
import { parseDuration } from './duration.js';
import { said } from './said.js';
import { isExpression } from './schema.js';

/**
 * Building blocks of the actions' Properties schemas. Every typed field is wrapped in `ex`: a `{{ }}`
 * text or an `Fn::` map stands for any value there, and its type is checked when the task runs.
 * Error messages come from the catalogue through `said(msg(...))` (said.ts), so that a problem
 * reads in every language; a message from elsewhere is shown as it is.
 */

const inner = new WeakMap<z.ZodType, z.ZodType>();

/** A value of `s` or an expression; `required` makes its absence a problem. */
export function ex(s: z.ZodType, required = false): z.ZodType {
  const field = z.unknown().superRefine((v, ctx) => {
    if (v === undefined) {
      if (required) ctx.addIssue({ code: 'custom', message: said(msg('template:isRequired')) });
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
export const text = z.string({ error: said(msg('template:mustBeText')) });
export const name = text.min(1, said(msg('template:mustNotBeEmpty')));
export const flag = z.union([z.boolean(), z.enum(['true', 'false'])], {
  error: said(msg('template:mustBeTrueOrFalse')),
});
const DURATION = said(msg('template:mustBeDurationOrSeconds'));
export const duration = z.union(
  [z.number().min(0), z.string().refine((s) => parseDuration(s) !== undefined, DURATION)],
  { error: DURATION },
);
/** A map of free-form values (API parameters, headers); OOS templates also write null for none. */
export const map = z.record(z.string(), z.unknown(), { error: said(msg('template:mustBeMap')) }).nullable();
/** A list of `item`; `error` is what a value that is no list is told (a `said(msg(...))`). */
export const list = (item: z.ZodType = z.unknown(), error = said(msg('template:mustBeList'))) =>
  z.array(item, { error });
/** Text or a number: values OOS passes on as text (thresholds, periods). */
export const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: said(msg('template:mustBeTextOrNumber')),
});
/** One value or a list of them (trigger filters). */
export const oneOrMany = z.union([scalar, z.array(ex(scalar))], {
  error: said(msg('template:mustBeTextOrTextList')),
});

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
