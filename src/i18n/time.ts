import type { Locale } from './locale.js';

/** True when the runtime knows `zone` as an IANA time zone (`Asia/Shanghai`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A moment as its reader reads it: in their language and time zone, the zone named
 * (`Nov 27, 2026, 10:01:36 PM UTC`, `2026年11月28日 GMT+8 06:01:36`).
 */
export function formatTime(when: Date | string | number, locale: Locale, timeZone = 'UTC'): string {
  const date = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(date.getTime())) return String(when);
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'long', timeZone: zone }).format(date);
}
