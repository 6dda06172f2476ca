import { msg } from '../../i18n/index.js';
import { asString, fail, positional } from './args.js';
import { parseUtc } from './time.js';

/** FormatUTCTime: Python's strftime over a UTC time, the directives OOS templates use. */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

const DIRECTIVES: Record<string, (d: Date) => string> = {
  Y: (d) => pad(d.getUTCFullYear(), 4),
  y: (d) => pad(d.getUTCFullYear() % 100),
  m: (d) => pad(d.getUTCMonth() + 1),
  d: (d) => pad(d.getUTCDate()),
  H: (d) => pad(d.getUTCHours()),
  I: (d) => pad(d.getUTCHours() % 12 || 12),
  p: (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
  M: (d) => pad(d.getUTCMinutes()),
  S: (d) => pad(d.getUTCSeconds()),
  f: (d) => pad(d.getUTCMilliseconds() * 1000, 6),
  j: (d) => pad(dayOfYear(d), 3),
  a: (d) => DAYS[d.getUTCDay()]!.slice(0, 3),
  A: (d) => DAYS[d.getUTCDay()]!,
  b: (d) => MONTHS[d.getUTCMonth()]!.slice(0, 3),
  B: (d) => MONTHS[d.getUTCMonth()]!,
  z: () => '+0000',
  Z: () => 'UTC',
  '%': () => '%',
};

function FormatUTCTime(args: unknown): string {
  const [time, f] = positional('FormatUTCTime', args, '[utcTime, format]', 2);
  const date = parseUtc('FormatUTCTime', time);
  const format = asString('FormatUTCTime', f, msg('functions:theFormat'));
  return format.replace(/%(.?)/gs, (_, c: string) => {
    const directive = DIRECTIVES[c];
    if (!directive || !Object.hasOwn(DIRECTIVES, c))
      fail('FormatUTCTime', msg('functions:unsupportedDirective', { directive: `%${c}` }));
    return directive(date);
  });
}

export const strftime = { FormatUTCTime };
