import { z } from 'zod';
import { msg } from '../i18n/index.js';
import { said } from './said.js';

/**
 * The OOS template language (FormatVersion OOS-2019-06-01), exactly as the public templates use it.
 * Cross-references (task names, jump targets, `{{ }}` references) are checked in validate.ts.
 */

export const TASK_NAME = /^[A-Za-z0-9_-]{1,200}$/;
/**
 * `ACS::Name`, `ACS::Product::Name` (a product action, itself a template), opsgate's own
 * `Opsgate::Name`, or a user template's name.
 */
export const ACTION_NAME = /^(ACS::[A-Za-z0-9]+(::[A-Za-z0-9_-]+)?|Opsgate::[A-Za-z0-9]+|[A-Za-z0-9_-]{1,200})$/i;

const localized = z.union([z.string(), z.record(z.string(), z.unknown())], {
  error: said(msg('template:mustBeLocalizedText')),
});
/** A value that may also be written as one `{{ }}` reference or an `Fn::` call. */
const expression = z.unknown();
/** `{{ x }}` text or a one-key `Fn::` map: its value is only known when the task runs. */
export function isExpression(v: unknown): boolean {
  if (typeof v === 'string') return /\{\{.*\}\}/.test(v);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0]!.startsWith('Fn::');
}
/** A field that takes a value of `s` or an expression; a wrong value gets `s`'s own problems. */
const orExpression = <T extends z.ZodType>(s: T) =>
  z.unknown().superRefine((v, ctx) => {
    if (v === undefined || isExpression(v)) return;
    const r = s.safeParse(v, { reportInput: true });
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  });
/** A count or a percentage ('10', '10%'), or an expression. */
const COUNT = said(msg('template:mustBeCountOrPercentage'));
const whole = orExpression(z.union([z.number(), z.string().regex(/^\s*\d+(\.\d+)?%?\s*$/, COUNT)], { error: COUNT }));
const pauseOption = orExpression(z.enum(['Automatic', 'FirstBatchPause', 'EveryBatchPause']));
const rateMode = orExpression(z.enum(['Concurrency', 'Batch']));

export const parameterTypes = ['String', 'Number', 'Boolean', 'List', 'Json'] as const;
export type ParameterType = (typeof parameterTypes)[number];
const typeSchema = z.enum(parameterTypes, {
  error: said(msg('template:mustBeOneOf', { values: parameterTypes.join(', ') })),
});

export const parameterSchema = z
  .object({
    Type: typeSchema.default('String'),
    Description: localized.optional(),
    Label: localized.optional(),
    Default: z.unknown().optional(),
    AllowedValues: z.array(z.unknown(), { error: said(msg('template:mustBeList')) }).optional(),
    AllowedPattern: z.string().optional(),
    MinLength: z.number().int().min(0).optional(),
    MaxLength: z.number().int().min(0).optional(),
    MinValue: z.number().optional(),
    MaxValue: z.number().optional(),
    ConstraintDescription: localized.optional(),
    NoEcho: z
      .union([z.boolean(), z.enum(['true', 'false'])], { error: said(msg('template:mustBeTrueOrFalse')) })
      .optional(),
    AssociationProperty: z.string().optional(),
    AssociationPropertyMetadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const rateControlSchema = z
  .object({
    Mode: rateMode.optional(),
    MaxErrors: whole.optional(),
    Concurrency: whole.optional(),
    Batch: orExpression(z.array(whole)).optional(),
    ConcurrencyInBatches: orExpression(z.array(whole)).optional(),
    BatchPauseOption: pauseOption.optional(),
  })
  .strict();

export const loopSchema = z
  .object({
    Items: expression.refine((v) => v !== undefined && v !== null, said(msg('template:isRequired'))),
    // A map, one `{{ }}` reference to a Json parameter, or null: resolved after evaluation.
    RateControl: orExpression(rateControlSchema.nullable()).optional(),
    // The older placement of the RateControl fields, directly on Loop.
    Mode: rateMode.optional(),
    Concurrency: whole.optional(),
    MaxErrors: whole.optional(),
    BatchPauseOption: pauseOption.optional(),
    Outputs: z
      .record(
        z.string(),
        z
          .object({
            AggregateType: z.enum(['Fn::ListJoin', 'Fn::Sum'], { error: said(msg('template:mustBeAggregate')) }),
            AggregateField: z.string().min(1),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export const taskOutputSchema = z
  .object({
    Type: typeSchema.default('String'),
    // jq text, or an expression that yields it (Fn::Sub in the public templates).
    ValueSelector: z.union(
      [z.string().min(1, said(msg('template:mustNotBeEmpty'))), z.record(z.string(), z.unknown())],
      { error: said(msg('template:mustBeJqSelector')) },
    ),
  })
  .strict();

export const taskSchema = z
  .object({
    Name: z
      .string({ error: said(msg('template:mustBeTaskName')) })
      .regex(TASK_NAME, said(msg('template:mustBeTaskNameCharacters'))),
    Action: z
      .string({ error: said(msg('template:mustBeActionName')) })
      .regex(ACTION_NAME, said(msg('template:mustBeActionNameForm'))),
    Description: localized.optional(),
    When: expression.optional(),
    Properties: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((p) => p ?? {}),
    Outputs: z
      .record(z.string(), taskOutputSchema)
      .nullish()
      .transform((o) => o ?? undefined),
    Loop: loopSchema.optional(),
    OnError: z.string().optional(),
    OnSuccess: z.string().optional(),
    Retries: whole.optional(),
    DelayType: orExpression(z.enum(['Exponential', 'Constant', 'Linear'])).optional(),
    Delay: whole.optional(),
    BackOff: whole.optional(),
    MaxRetryInterval: whole.optional(),
  })
  .strict();

const templateOutputSchema = z.object({ Type: typeSchema.default('String'), Value: expression }).strict();
const parameters = z
  .record(z.string(), parameterSchema)
  .nullish()
  .transform((p) => p ?? {});

export const automationSchema = z
  .object({
    FormatVersion: z.literal('OOS-2019-06-01'),
    Description: localized.optional(),
    Parameters: parameters,
    RamRole: z.string().optional(),
    Tasks: z
      .array(taskSchema, { error: said(msg('template:mustBeTaskList')) })
      .min(1, said(msg('template:mustListOneTask'))),
    Outputs: z
      .record(z.string(), templateOutputSchema)
      .nullish()
      .transform((o) => o ?? undefined),
    Metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** State templates (inventory) are stored and listed, not run. */
export const stateSchema = z
  .object({
    FormatVersion: z.literal('OOS-2019-06-01-State'),
    Description: localized.optional(),
    Parameters: parameters,
    States: z
      .array(z.object({ ResourceType: z.string(), Properties: z.record(z.string(), z.unknown()).optional() }).strict())
      .min(1),
    Metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type Template = z.infer<typeof automationSchema>;
export type StateTemplate = z.infer<typeof stateSchema>;
export type AnyTemplate = Template | StateTemplate;
export type Task = z.infer<typeof taskSchema>;
export type ParameterDef = z.infer<typeof parameterSchema>;

export const FORMAT_VERSIONS = ['OOS-2019-06-01', 'OOS-2019-06-01-State'];

/** The keys each kind of map may have: for "unknown key X, did you mean Y?". */
export const KNOWN_KEYS: Record<string, string[]> = {
  template: Object.keys(automationSchema.shape),
  state: Object.keys(stateSchema.shape),
  parameter: Object.keys(parameterSchema.shape),
  task: Object.keys(taskSchema.shape),
  loop: Object.keys(loopSchema.shape),
  rateControl: Object.keys(rateControlSchema.shape),
  taskOutput: Object.keys(taskOutputSchema.shape),
  loopOutput: ['AggregateType', 'AggregateField'],
  templateOutput: ['Type', 'Value'],
};

export function isStateTemplate(t: AnyTemplate): t is StateTemplate {
  return t.FormatVersion === 'OOS-2019-06-01-State';
}
