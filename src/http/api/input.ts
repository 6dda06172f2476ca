import { z } from 'zod';
import { says } from './message.js';

/** Alibaba-style inputs: numbers, booleans and maps may arrive as strings (RPC form values). */
export const text = (max = 4000) => z.string({ error: says('api:mustBeText') }).max(max, says('api:mustBeAtMostChars'));
export const count = (min: number, max: number) =>
  z.coerce
    .number({ error: says('api:mustBeNumber') })
    .int(says('api:mustBeWholeNumber'))
    .min(min, says('api:mustBeAtLeast'))
    .max(max, says('api:mustBeAtMost'));
export const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], {
  error: says('api:mustBeTrueOrFalse'),
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

/** Alibaba Cloud's tag lists (`Tags.1.Key=k&Tags.1.Value=v`, read as [{Key, Value}]) as the map they stand for. */
const fromKeyValueList = (v: unknown): unknown =>
  Array.isArray(v) && v.length && v.every((e) => e && typeof e === 'object' && typeof e.Key === 'string')
    ? Object.fromEntries(v.map((e: { Key: string; Value?: unknown }) => [e.Key, e.Value ?? '']))
    : v;

/** A map given as JSON text, as an object, or as a list of {Key, Value}. */
export const jsonMap = <T extends z.ZodType>(values: T) =>
  z.preprocess(
    (v) => fromKeyValueList(fromJsonText(v)),
    z.record(z.string(), values, { error: says('api:mustBeJsonMap') }),
  );

/** A list given as JSON text or as a list. */
export const jsonList = <T extends z.ZodType>(item: T) =>
  z.preprocess(fromJsonText, z.array(item, { error: says('api:mustBeList') }));

/** OOS dates (2019-05-16T10:26:14Z) or anything Date.parse reads. */
export const date = z.string().refine((v) => !Number.isNaN(Date.parse(v)), says('api:mustBeDate'));
