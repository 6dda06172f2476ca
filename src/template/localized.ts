import type { Locale } from '../i18n/index.js';

// OOS writes a localized text as a map keyed by language (`en`, `zh-cn`; older templates `name-en`).
const KEYS: Record<Locale, string[]> = {
  en: ['en', 'en-us', 'name-en'],
  'zh-CN': ['zh-cn', 'zh', 'zh-hans', 'name-zh-cn', 'name-zh'],
};

/**
 * A template's Description, Label or parameter Description in the reader's language: a plain string as
 * it is; a localized map's entry for the locale, else its English, else its first text. '' when none.
 */
export function localizedText(value: unknown, locale: Locale): string {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return '';
  const byKey = new Map(
    Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      typeof v === 'string' ? [[k.toLowerCase(), v] as const] : [],
    ),
  );
  for (const key of [...KEYS[locale], ...KEYS.en]) {
    const text = byKey.get(key);
    if (text !== undefined) return text;
  }
  return byKey.values().next().value ?? '';
}
