import { msg } from '../../i18n/index.js';
import { asNumber, asString, describe, fail, positional, type What } from './args.js';

/** Time arithmetic: AddHour and DurationBetween, plus the UTC time parser FormatUTCTime uses. */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Minutes east of UTC for `Z`, `+08`, `+0800` or `+08:00`; no zone means UTC. */
function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return zone.startsWith('-') ? -minutes : minutes;
}

/** An ISO-8601 date or date-time; without a zone it is UTC (ACS::CurrentUTCTime is UTC). */
export function parseUtc(fn: string, value: unknown, what: What = msg('functions:theTime')): Date {
  const text = asString(fn, value, what).trim();
  const m = DATE_TIME.exec(text);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
    const ms = Number(frac.padEnd(3, '0').slice(0, 3));
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    const date = new Date(utc - offsetMinutes(zone) * 60_000);
    // Date.UTC rolls 2024-02-31 over to March; a calendar check catches it.
    const check = new Date(utc);
    if (
      check.getUTCDate() === Number(d) &&
      check.getUTCMonth() === Number(mo) - 1 &&
      Number(h) < 24 &&
      Number(mi) < 60 &&
      Number(s) < 60
    )
      return date;
  }
  fail(fn, msg('functions:notIsoTime', { what, value: describe(value) }));
}

/** The form OOS writes times in: seconds precision, UTC, `Z`. */
export function isoUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function AddHour(args: unknown): string {
  const [time, hours] = positional('AddHour', args, '[utcTime, hours]', 2);
  const start = parseUtc('AddHour', time);
  const n = asNumber('AddHour', hours, 'hours');
  const date = new Date(start.getTime() + Math.round(n * 3_600_000));
  if (Number.isNaN(date.getTime())) fail('AddHour', msg('functions:hoursOutOfRange', { hours: String(n) }));
  return isoUtc(date);
}

type Point = { kind: 'time'; seconds: number } | { kind: 'date'; ms: number };

function point(value: unknown, what: string): Point {
  const text = typeof value === 'string' ? value.trim() : value;
  const m = typeof text === 'string' ? TIME_OF_DAY.exec(text) : null;
  if (!m) return { kind: 'date', ms: parseUtc('DurationBetween', value, what).getTime() };
  const [, h, mi, s = '0', zone] = m;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)
    fail('DurationBetween', msg('functions:notTimeOfDay', { what, value: describe(value) }));
  return { kind: 'time', seconds: Number(h) * 3600 + Number(mi) * 60 + Number(s) - offsetMinutes(zone) * 60 };
}

/** Seconds as an ISO-8601 duration in hours, minutes and seconds, e.g. PT7H30M. */
export function isoDuration(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = Math.round(total % 60);
  const text = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  return `PT${text || '0S'}`;
}

/**
 * The wait from start to end, for ACS::Sleep. Two times of day ('HH:MM[:SS][zone]') measure
 * forward, wrapping past midnight when end is earlier; two full times must be in order.
 */
function DurationBetween(args: unknown): string {
  const [a, b] = positional('DurationBetween', args, '[start, end]', 2);
  const start = point(a, 'start');
  const end = point(b, 'end');
  if (start.kind === 'time' && end.kind === 'time') {
    return isoDuration((((end.seconds - start.seconds) % 86_400) + 86_400) % 86_400);
  }
  if (start.kind === 'date' && end.kind === 'date') {
    if (end.ms < start.ms)
      fail('DurationBetween', msg('functions:endBeforeStart', { end: describe(b), start: describe(a) }));
    return isoDuration(Math.floor((end.ms - start.ms) / 1000));
  }
  fail('DurationBetween', msg('functions:mixedTimes'));
}

export const time = { AddHour, DurationBetween };
