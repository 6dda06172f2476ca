import type { IncomingMessage } from 'node:http';
import type { DirectoryUser } from '../config/directory.js';
import { type Reader, readerOf } from '../config/reader.js';
import { fromAcceptLanguage, type Locale } from '../i18n/index.js';

/** The deployment's language and zone (OPSGATE_LOCALE, OPSGATE_TIMEZONE): what a page falls back to. */
export interface ReaderDefaults {
  locale: Locale;
  timezone: string;
}

export const ENGLISH_UTC: ReaderDefaults = { locale: 'en', timezone: 'UTC' };

/**
 * Who reads a page, most specific first: the person's directory locale and zone, then what their browser
 * asks for (Accept-Language), then the deployment's defaults.
 */
export function requestReader(
  req: Pick<IncomingMessage, 'headers'>,
  user: Pick<DirectoryUser, 'locale' | 'timezone'> | undefined,
  defaults: ReaderDefaults = ENGLISH_UTC,
): Reader {
  return readerOf(user, defaults, fromAcceptLanguage(req.headers['accept-language']));
}
