import { z } from 'zod';

/** Alibaba-style inputs: numbers, booleans and maps may arrive as strings (RPC form values). */
export const text = (max = 4000) => z.string({ error: 'must be text' }).max(max, `must be at most ${max} characters`);
export const count = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
export const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
  error: 'must be true or false',
});

/** Alibaba's APIs take structured values as JSON text too: text is read as JSON when it is JSON. */
const fromJsonText = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

/** A map given as JSON text or as an object. */
export const jsonMap = <T extends z.ZodType>(values: T) =>
  z.preprocess(fromJsonText, z.record(z.string(), values, { error: 'must be a JSON map' }));

/** A list given as JSON text or as a list. */
export const jsonList = <T extends z.ZodType>(item: T) =>
  z.preprocess(fromJsonText, z.array(item, { error: 'must be a list (or its JSON text)' }));

/** OOS dates (2019-05-16T10:26:14Z) or anything Date.parse reads. */
export const date = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date such as 2019-05-16T10:26:14Z');
