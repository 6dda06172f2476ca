import { escapeHtml as e } from '../../html.js';
import { type Locale, type MessageKey, t, type Values } from '../../i18n/index.js';

/**
 * A message whose `html` values are HTML already (escaped by the caller: a link, a bold name): the
 * catalogue's text, with the `plain` values (text, and what selects choose by), is escaped, then the
 * HTML values are put in as they are.
 */
export function htmlMessage(
  locale: Locale,
  key: MessageKey,
  html: Record<string, string | number> = {},
  plain: Values = {},
): string {
  const marks = Object.keys(html).map((k, i) => [k, `\u0001${i}\u0002`] as const);
  let text = e(t(locale, key, { ...plain, ...Object.fromEntries(marks) }));
  for (const [k, mark] of marks) text = text.split(mark).join(String(html[k]));
  return text;
}
