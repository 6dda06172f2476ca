import { ParameterError, type OpsgateError } from '../errors.js';
import type { ParameterDef, Template } from '../template/schema.js';
import type { Locale } from '../i18n/index.js';
import { t } from '../i18n/index.js';
import { describeTemplate } from './describe.js';

/** A form for starting a runbook, built from its Parameters; each platform renders it its own way. */
export interface RunForm {
  templateName: string;
  version: string;
  title: string;
  fields: FormField[];
}

export interface FormField {
  name: string;
  label: string;
  hint?: string;
  kind: 'text' | 'multiline' | 'number' | 'boolean' | 'select';
  required: boolean;
  options?: string[];
  min?: number;
  max?: number;
  /** A literal default, pre-filled (expressions such as '{{ ACS::RegionId }}' are left to the engine). */
  initial?: string;
}

const literal = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return /\{\{.*\}\}/.test(text) ? undefined : text;
};

function field(name: string, p: ParameterDef, locale: Locale): FormField {
  const label = describeTemplate(p.Label, locale) || name;
  const hint = describeTemplate(p.Description, locale) || undefined;
  const base = {
    name,
    label: label.slice(0, 2000),
    hint: hint?.slice(0, 2000),
    required: p.Default === undefined,
    initial: literal(p.Default),
  };
  if (p.AllowedValues?.length)
    return { ...base, kind: 'select', options: p.AllowedValues.map((v) => literal(v) ?? String(v)) };
  if (p.Type === 'Boolean') return { ...base, kind: 'boolean' };
  if (p.Type === 'Number') return { ...base, kind: 'number', min: p.MinValue, max: p.MaxValue };
  if (p.Type === 'List' || p.Type === 'Json') return { ...base, kind: 'multiline' };
  return { ...base, kind: 'text' };
}

/** The form of a template, its title and its fields' labels and hints in the reader's language. */
export function runForm(name: string, version: string, template: Template, locale: Locale = 'en'): RunForm {
  return {
    templateName: name,
    version,
    title: t(locale, 'chat:runFormTitle', { name }),
    fields: Object.entries(template.Parameters)
      .filter(([, p]) => (p.NoEcho !== true && p.NoEcho !== 'true') || p.Default === undefined)
      .map(([n, p]) => field(n, p, locale)),
  };
}

/** A ParameterError's problems as a message per field; undefined when one is not about a field of the form. */
export function fieldErrors(err: OpsgateError, fields: string[]): Record<string, string> | undefined {
  const about = err instanceof ParameterError ? err.fields : [];
  if (!about.length || about.some((f) => !fields.includes(f.name))) return undefined;
  return Object.fromEntries(about.map((f) => [f.name, f.problem]));
}
