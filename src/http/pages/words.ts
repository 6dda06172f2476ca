import { type Locale, t } from '../../i18n/index.js';

// The words of the pages for codes kept in the data (statuses, decisions): the data keeps the code (a CSS
// class, a data- attribute, what tests and scripts read), the reader sees these. An approval level's mode
// and status, a tally, an outcome are the approval card's words (approval/card.ts), not the pages'.

/** An execution's or a task's status (Success, Waiting, ...). */
export const statusWord = (locale: Locale, status: string) => t(locale, 'common:status', { status });

/** An approval ticket's status (AUDITING, APPROVED, REJECT, CANCEL). */
export const ticketStatusWord = (locale: Locale, status: string) => t(locale, 'page:ticketStatus', { status });

/** A vote: approved or rejected. */
export const decisionWord = (locale: Locale, decision: string) => t(locale, 'page:decision', { decision });

/** 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min (in the reader's language). */
export function formatDuration(ms: number, locale: Locale = 'en'): string {
  if (ms < 1000) return t(locale, 'page:durationMs', { ms: String(Math.max(0, Math.round(ms))) });
  if (ms < 60_000) return t(locale, 'page:durationS', { s: (ms / 1000).toFixed(ms < 10_000 ? 1 : 0) });
  const s = Math.floor(ms / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return t(locale, 'page:durationMinS', { min: String(Math.floor(s / 60)), s: two(s % 60) });
  return t(locale, 'page:durationHMin', { h: String(Math.floor(s / 3600)), min: two(Math.floor((s % 3600) / 60)) });
}
