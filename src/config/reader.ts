import type { Locale } from '../i18n/index.js';
import { toLocale } from '../i18n/index.js';
import type { DirectoryUser } from './directory.js';

/** Who reads a message, as far as its language and clock go. */
export interface Reader {
  locale: Locale;
  /** IANA time zone that times are shown in, named beside them. */
  timeZone: string;
}

/**
 * A reader's language and zone, most specific first: the directory's word on the person, then what their
 * platform says (Slack's user locale; DingTalk's zh-CN), then the deployment's OPSGATE_LOCALE/TIMEZONE.
 */
export function readerOf(
  user: Pick<DirectoryUser, 'locale' | 'timezone'> | undefined,
  defaults: { locale: Locale; timezone: string },
  platformLocale?: string,
): Reader {
  return {
    locale: user?.locale ?? toLocale(platformLocale) ?? defaults.locale,
    timeZone: user?.timezone ?? defaults.timezone,
  };
}
