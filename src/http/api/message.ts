import { z } from 'zod';
import { formatProblem, messageIn, OpsgateError, TemplateInvalidError, type TemplateProblem } from '../../errors.js';
import { en } from '../../i18n/catalog/index.js';
import { type Locale, type MessageKey, type Msg, msg, t } from '../../i18n/index.js';

/** A message of the 'api' namespace: what an input schema says of a wrong value (router.ts renders it). */
export type ApiKey = Extract<MessageKey, `api:${string}`>;
export const says = (key: ApiKey): string => key;

const isApiKey = (s: string): s is ApiKey => s.startsWith('api:') && Object.hasOwn(en.api, s.slice(4));

/**
 * What an input schema said of a value, as a message: its own (`says`), with the bound the check
 * had; or zod's, which the parse already wrote in the caller's language (zodErrorsIn).
 */
export function issueText(issue: z.core.$ZodIssue): Msg | string {
  if (!isApiKey(issue.message)) return issue.message;
  const bound = issue as { minimum?: number | bigint; maximum?: number | bigint };
  // Strings, not numbers: an ICU number would be grouped (1,048,576) where the English never was.
  return msg(issue.message, { min: String(bound.minimum ?? ''), max: String(bound.maximum ?? '') });
}

/** zod's own messages (an unknown enum value, a wrong type) in the caller's language; English is zod's default. */
export function zodErrorsIn(locale: Locale): { error?: z.core.$ZodErrorMap } {
  return locale === 'zh-CN' ? { error: z.locales.zhCN().localeError } : {};
}

/** A template's problems as ValidateTemplateContent lists them: one a line, not indented. */
export class TemplateContentError extends OpsgateError {
  constructor(readonly problems: TemplateProblem[]) {
    super('InvalidTemplate', listed(problems, 'en'));
  }
}

const listed = (problems: TemplateProblem[], locale: Locale) =>
  problems
    .map((p) => formatProblem(p, locale))
    .join('\n')
    .replace(/^ {2}/gm, '');

/**
 * An error's Message for the caller: English (as OOS answers) unless the caller asked for another
 * language; then from the catalogue, and a template's problems each in that language.
 */
export function apiMessage(e: OpsgateError, locale: Locale): string {
  if (locale === 'en') return e.message;
  if (e instanceof TemplateContentError) return listed(e.problems, locale);
  if (e instanceof TemplateInvalidError && !e.text)
    return [t(locale, 'api:templateInvalid'), ...e.problems.map((p) => formatProblem(p, locale))].join('\n');
  return messageIn(e, locale);
}
