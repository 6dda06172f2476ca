import { z } from 'zod';

/** The OOS template language (FormatVersion OOS-2019-06-01), as far as opsgate validates it today. */

export const TASK_NAME = /^[A-Za-z0-9_-]{1,200}$/;
const localized = z.union([z.string(), z.record(z.string(), z.unknown())]);

export const parameterTypes = ['String', 'Number', 'Boolean', 'List', 'Json'] as const;
export type ParameterType = (typeof parameterTypes)[number];

export const parameterSchema = z.object({
  Type: z.enum(parameterTypes).default('String'),
  Description: localized.optional(),
  Label: localized.optional(),
  Default: z.unknown().optional(),
  AllowedValues: z.array(z.unknown()).optional(),
  AllowedPattern: z.string().optional(),
  MinLength: z.number().int().optional(),
  MaxLength: z.number().int().optional(),
  MinValue: z.number().optional(),
  MaxValue: z.number().optional(),
  ConstraintDescription: localized.optional(),
  NoEcho: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  AssociationProperty: z.string().optional(),
  AssociationPropertyMetadata: z.record(z.string(), z.unknown()).optional(),
}).strict();

const outputTypes = z.enum(parameterTypes);

export const taskSchema = z.object({
  Name: z.string().regex(TASK_NAME, 'must be 1-200 letters, digits, - or _'),
  Action: z.string().min(1),
  Description: localized.optional(),
  When: z.unknown().optional(),
  Properties: z.record(z.string(), z.unknown()).nullish().transform((p) => p ?? {}),
  Outputs: z.record(z.string(), z.object({
    Type: outputTypes.default('String'),
    ValueSelector: z.string().min(1),
  }).strict()).optional(),
  Loop: z.record(z.string(), z.unknown()).optional(),
  OnError: z.string().optional(),
  OnSuccess: z.string().optional(),
  Retries: z.union([z.number(), z.string()]).optional(),
  DelayType: z.enum(['Exponential', 'Constant', 'Linear']).optional(),
  Delay: z.union([z.number(), z.string()]).optional(),
  BackOff: z.union([z.number(), z.string()]).optional(),
  MaxRetryInterval: z.union([z.number(), z.string()]).optional(),
}).strict();

export const templateSchema = z.object({
  FormatVersion: z.literal('OOS-2019-06-01', { error: 'must be OOS-2019-06-01' }),
  Description: localized.optional(),
  Parameters: z.record(z.string(), parameterSchema).nullish().transform((p) => p ?? {}),
  RamRole: z.string().optional(),
  Tasks: z.array(taskSchema).min(1, 'must list at least one task'),
  Outputs: z.record(z.string(), z.object({ Type: outputTypes.default('String'), Value: z.unknown() }).strict()).optional(),
  Metadata: z.record(z.string(), z.unknown()).optional(),
}).strict();

export type Template = z.infer<typeof templateSchema>;
export type Task = z.infer<typeof taskSchema>;
export type ParameterDef = z.infer<typeof parameterSchema>;
