import { createInstance } from 'i18next';
import ICU from 'i18next-icu';
import { en, zhCN } from './catalog/index.js';
import type { Locale } from './locale.js';

type Catalog = typeof en;
/** `namespace:key`, checked against the English catalogue. */
export type MessageKey = { [N in keyof Catalog]: `${N & string}:${keyof Catalog[N] & string}` }[keyof Catalog];

/** What a message's {placeholders} take; a Msg value is rendered in the same language first. */
export type Values = Record<string, string | number | boolean | Date | Msg | undefined | null>;

/**
 * A message not yet rendered: what the core and the engine say, before anyone knows who reads it.
 * Each edge renders it in its reader's language (`t`).
 */
export interface Msg {
  key: MessageKey;
  values?: Values;
}

export function msg(key: MessageKey, values?: Values): Msg {
  return values === undefined ? { key } : { key, values };
}

export function isMsg(v: unknown): v is Msg {
  return typeof v === 'object' && v !== null && typeof (v as Msg).key === 'string' && (v as Msg).key.includes(':');
}

// One instance, initialised synchronously: the resources are in the bundle, nothing is fetched.
const i18n = createInstance();
void i18n.use(ICU).init({
  resources: { en, 'zh-CN': zhCN },
  lng: 'en',
  fallbackLng: 'en',
  ns: Object.keys(en),
  defaultNS: 'common',
  initAsync: false,
  returnNull: false,
  returnEmptyString: false,
  interpolation: { escapeValue: false },
});

/** The message `key` in `locale`, with its placeholders filled (ICU MessageFormat: plurals, selects). */
export function t(locale: Locale, key: MessageKey, values?: Values): string {
  const filled: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values ?? {})) {
    filled[k] = isMsg(v) ? t(locale, v.key, v.values) : (v ?? '');
  }
  return i18n.t(key, { ...filled, lng: locale }) as string;
}

/** A Msg in `locale`; a plain string (an older record, a text from outside) as it is. */
export function render(m: Msg | string, locale: Locale): string {
  return typeof m === 'string' ? m : t(locale, m.key, m.values);
}

/** A translator bound to one reader's language. */
export type Translate = (key: MessageKey, values?: Values) => string;
export function translator(locale: Locale): Translate {
  return (key, values) => t(locale, key, values);
}
