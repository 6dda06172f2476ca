import { ConfigError, formatProblem, messageIn, OpsgateError, type TemplateProblem } from '../errors.js';
import { type Locale, render, t } from '../i18n/index.js';

/** The problems an error lists (a template's), when it lists any. */
function problemsOf(err: OpsgateError): TemplateProblem[] | undefined {
  const problems = (err as { problems?: unknown }).problems;
  return Array.isArray(problems) ? (problems as TemplateProblem[]) : undefined;
}

/**
 * What the CLI prints of a failure, in the operator's language: a configuration problem as its one
 * line; a template's problems one a line under what they are about; anything else by its stable code.
 */
export function errorText(err: unknown, locale: Locale): string {
  if (err instanceof ConfigError) return messageIn(err, locale);
  if (!(err instanceof OpsgateError)) return String((err as Error)?.stack ?? err);
  const problems = problemsOf(err);
  if (!problems) return `${err.code}: ${messageIn(err, locale)}`;
  // An error without its own catalogue text keeps its English head for English readers.
  // A TemplateInvalidError's text holds its problems too: its first line is the head.
  const head = err.text
    ? render(err.text, locale).split('\n')[0]
    : locale === 'en'
      ? err.message.split('\n')[0]
      : t(locale, 'cli:templateInvalid');
  return [`${err.code}: ${head}`, ...problems.map((p) => formatProblem(p, locale))].join('\n');
}
