import { type Locale, pickLocale } from '../i18n/index.js';

/**
 * The operator's language: OPSGATE_LOCALE when set, else the shell's (LC_ALL, LC_MESSAGES, LANG: the
 * first set decides, as POSIX reads them, so LC_ALL=C is English whatever LANG says), else English.
 */
export function cliLocale(env: Record<string, string | undefined> = process.env): Locale {
  return pickLocale(env.OPSGATE_LOCALE, env.LC_ALL || env.LC_MESSAGES || env.LANG);
}
