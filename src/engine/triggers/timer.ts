import { CronExpressionParser } from 'cron-parser';
import { ParameterError } from '../../errors.js';
import { type MessageKey, type Msg, msg, type Values } from '../../i18n/index.js';

/** The subset of BullMQ's RepeatOptions a timer trigger needs; dates are epoch milliseconds. */
export interface TimerRepeat {
  pattern?: string;
  every?: number;
  tz?: string;
  endDate?: number;
  startDate?: number;
  limit?: number;
}

export interface TimerSchedule {
  repeat: TimerRepeat;
  /** In words: `cron "0 0 * * *" in UTC, until ...`. */
  description: Msg;
}

const invalid = (key: MessageKey, values?: Values) => new ParameterError(msg(key, values));

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
// OOS writes `30 minutes` (corpus) and `5 minute` (its own doc), so singular and plural are both taken.
const RATE = /^(\d+)\s*(minutes?|hours?|days?)$/i;
const UNIT_MS: Record<string, number> = { minute: MINUTE, hour: 60 * MINUTE, day: DAY };

/**
 * BullMQ repeat options for the resolved Properties of ACS::TimerTrigger:
 * `Type` cron | rate | at, `Expression`, `TimeZone` (default UTC), `StartDate` (optional), `EndDate` (required, UTC).
 */
export function timerSchedule(props: unknown, now: Date): TimerSchedule {
  if (!isMap(props)) throw invalid('actions:propertiesNotMap', { action: 'ACS::TimerTrigger' });
  const type = readType(props.Type);
  const expression = props.Expression;
  if (isEmpty(expression)) throw invalid('actions:timerExpressionRequired');
  const tz = readZone(props.TimeZone);
  if (isEmpty(props.EndDate)) throw invalid('actions:timerEndDateRequired');
  const endDate = readDate('EndDate', props.EndDate, 'UTC');
  if (endDate <= now.getTime())
    throw invalid('actions:timerInThePast', { prop: 'EndDate', value: show(props.EndDate) });
  const startDate = isEmpty(props.StartDate) ? undefined : readDate('StartDate', props.StartDate, 'UTC');
  if (startDate !== undefined && startDate >= endDate) {
    throw invalid('actions:timerStartNotBeforeEnd', { start: show(props.StartDate), end: show(props.EndDate) });
  }
  const until = iso(endDate);

  if (type === 'cron') {
    if (typeof expression !== 'string') throw notCron(expression);
    const pattern = toCronPattern(expression);
    try {
      CronExpressionParser.parse(pattern, { tz, currentDate: now });
    } catch {
      throw notCron(expression);
    }
    // tz is always set: without it cron-parser would read the pattern in the worker's local zone.
    const repeat: TimerRepeat = { pattern, tz, endDate, ...(startDate !== undefined && { startDate }) };
    return { repeat, description: msg('actions:timerCron', { expression: show(expression), zone: tz, until }) };
  }

  if (type === 'rate') {
    const m = typeof expression === 'string' ? RATE.exec(expression.trim()) : null;
    const n = Number(m?.[1]);
    if (!m || !(n > 0)) throw invalid('actions:timerNotRate', { value: show(expression) });
    const unit = m[2]!.toLowerCase().replace(/s$/, '');
    const every = n * UNIT_MS[unit]!;
    // BullMQ runs an `every` scheduler at once unless given a start; we take OOS to wait one interval
    // first, as rate schedules elsewhere do (not documented).
    const first = startDate !== undefined && startDate > now.getTime() ? startDate : now.getTime() + every;
    return {
      repeat: { every, startDate: first, endDate },
      description: msg('actions:timerRate', { count: n, unit, until }),
    };
  }

  const at = readDate('Expression', expression, tz);
  if (at <= now.getTime()) throw invalid('actions:timerInThePast', { prop: 'Expression', value: show(expression) });
  if (at > endDate) throw invalid('actions:timerAfterEnd', { value: show(expression), end: show(props.EndDate) });
  // BullMQ needs `every` or `pattern`; with limit 1 the interval never comes into play.
  return {
    repeat: { every: DAY, startDate: at, limit: 1, endDate },
    description: msg('actions:timerOnce', { at: iso(at) }),
  };
}

/** The next `count` fire times of a timer trigger, computed the way BullMQ will compute them. */
export function nextFireTimes(props: unknown, now: Date, count: number): Date[] {
  const { repeat } = timerSchedule(props, now);
  const out: Date[] = [];
  const end = repeat.endDate ?? Infinity;
  const max = Math.min(count, repeat.limit ?? Infinity);
  if (repeat.pattern !== undefined) {
    const from = Math.max(now.getTime(), repeat.startDate ?? 0);
    const it = CronExpressionParser.parse(repeat.pattern, {
      tz: repeat.tz,
      currentDate: new Date(from),
      endDate: new Date(end),
    });
    while (out.length < max && it.hasNext()) out.push(it.next().toDate());
    return out;
  }
  for (let t = repeat.startDate ?? now.getTime(); out.length < max && t <= end; t += repeat.every!)
    out.push(new Date(t));
  return out;
}

/**
 * OOS cron is Quartz cron: seconds first, `?` for "no value", an optional year, and day-of-week 1-7
 * counted from Sunday. cron-parser counts day-of-week 0-7 from Sunday. A 5-field expression is taken
 * as Unix cron and left as it is.
 */
export function toCronPattern(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 7) {
    const year = fields.pop()!;
    if (year !== '*' && year !== '?') throw notCron(expression);
  }
  if (fields.length === 6) fields[5] = quartzDayOfWeek(fields[5]!, expression);
  else if (fields.length !== 5) throw notCron(expression);
  return fields.map((f) => (f === '?' ? '*' : f)).join(' ');
}

function quartzDayOfWeek(field: string, expression: string): string {
  if (/^L$/i.test(field)) return '6'; // a bare L in Quartz day-of-week is Saturday
  // Shift each day number, but not the step after `/` nor the week number after `#`.
  return field.replace(/(^|[,-])(\d+)/g, (_, before: string, day: string) => {
    const n = Number(day);
    if (n < 1 || n > 7) throw notCron(expression);
    return `${before}${n - 1}`;
  });
}

const notCron = (expression: unknown) => invalid('actions:timerNotCron', { value: show(expression) });

function readType(v: unknown): 'cron' | 'rate' | 'at' {
  if (isEmpty(v)) throw invalid('actions:timerTypeRequired');
  const t = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (t === 'cron' || t === 'rate' || t === 'at') return t;
  throw invalid('actions:timerTypeInvalid', { value: show(v) });
}

const OFFSET = /^(?:UTC|GMT)\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** An IANA name, or a fixed offset written UTC+08:00 / UTC+8 / GMT+8, normalized to UTC+08:00 (what luxon reads). */
export function readZone(v: unknown): string {
  if (isEmpty(v)) return 'UTC';
  const s = typeof v === 'string' ? v.trim() : '';
  if (/^(UTC|GMT|Z)$/i.test(s)) return 'UTC';
  const m = OFFSET.exec(s);
  if (m) {
    const [h, min] = [Number(m[2]), Number(m[3] ?? 0)];
    if (h <= 14 && min < 60) return h === 0 && min === 0 ? 'UTC' : `UTC${m[1]}${pad(h)}:${pad(min)}`;
  } else if (s) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: s });
      return s;
    } catch {
      /* reported below */
    }
  }
  throw invalid('actions:timerZoneInvalid', { value: show(v) });
}

const DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * `YYYY-MM-DD` or `YYYY-MM-DDThh:mm[:ss[.sss]]` with `Z`, an offset, or no zone (then read in `zone`).
 * A YAML loader may already have turned an unquoted timestamp into a Date.
 */
function readDate(prop: string, v: unknown, zone: string): number {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.getTime();
  const m = typeof v === 'string' ? DATE.exec(v.trim()) : null;
  const bad = () => invalid('actions:timerDateInvalid', { prop, value: show(v) });
  if (!m) throw bad();
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(local);
  // Date.UTC rolls 2025-02-30 over to March; a mismatch means the date does not exist.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw bad();
  const designator = m[8];
  if (designator) return local - (designator.toUpperCase() === 'Z' ? 0 : offsetOf(`UTC${designator}`));
  return zonedToUtc(local, zone);
}

/** The instant whose wall-clock time in `zone` is `local` (a UTC-coded wall time). */
function zonedToUtc(local: number, zone: string): number {
  const first = local - offsetAt(zone, local);
  return local - offsetAt(zone, first); // second pass settles instants near a DST change
}

function offsetAt(zone: string, instant: number): number {
  if (zone === 'UTC') return 0;
  if (zone.startsWith('UTC')) return offsetOf(zone);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

function offsetOf(utcOffset: string): number {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(utcOffset);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * MINUTE;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const show = (v: unknown) => (v instanceof Date ? JSON.stringify(v.toISOString()) : (JSON.stringify(v) ?? String(v)));
const iso = (ms: number) => new Date(ms).toISOString();
const pad = (n: number) => String(n).padStart(2, '0');
