import { OpsgateError } from '../../errors.js';
import { msg } from '../../i18n/index.js';

/** NextToken paging over a sorted list held whole: the token is an opaque offset this API gave. */
export function page<T>(all: T[], max: number, token?: string): { items: T[]; next?: string } {
  let start = 0;
  if (token) {
    const m = /^o:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString());
    if (!m) throw new OpsgateError('InvalidParameter', msg('api:nextTokenNotOurs'));
    start = Number(m[1]);
  }
  const items = all.slice(start, start + max);
  const end = start + items.length;
  return { items, ...(end < all.length ? { next: Buffer.from(`o:${end}`).toString('base64url') } : {}) };
}

/** Sorts by a key, ascending or descending, stable on a second key. */
export function sortBy<T>(
  list: T[],
  key: (t: T) => string | number,
  order: 'Ascending' | 'Descending',
  tie: (t: T) => string,
): T[] {
  const sign = order === 'Ascending' ? 1 : -1;
  return [...list].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return (x < y ? -1 : x > y ? 1 : tie(a).localeCompare(tie(b))) * sign;
  });
}

/** Where a list of the indexes stopped: a phase of its sort (a status, ended or not), a score and an id. */
export interface Cursor {
  phase: number;
  score: number;
  id: string;
}

const CURSOR_FORMAT = 1;
const NOT_OURS = () => new OpsgateError('InvalidParameter', msg('api:nextTokenNotOurs'));

/**
 * NextToken paging by cursor: opaque bytes (format, the sort it is for, phase, score, the id's hex
 * digits), so a page continues where the last stopped however many runs started meanwhile.
 */
export function cursorToken(sort: number, c: Cursor): string {
  const hex = c.id.slice('exec-'.length);
  const head = Buffer.alloc(12);
  head.writeUInt8(CURSOR_FORMAT, 0);
  head.writeUInt8(sort, 1);
  head.writeUInt8(c.phase, 2);
  head.writeDoubleBE(c.score, 3);
  head.writeUInt8(hex.length % 2, 11);
  return Buffer.concat([head, Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex')]).toString('base64url');
}

/** The cursor of a token cursorToken gave for the same sort; anything else (an old offset token) is refused. */
export function readCursorToken(token: string, sort: number): Cursor {
  const b = Buffer.from(token, 'base64url');
  if (b.length < 13 || b.readUInt8(0) !== CURSOR_FORMAT || b.readUInt8(1) !== sort || b.readUInt8(11) > 1)
    throw NOT_OURS();
  const score = b.readDoubleBE(3);
  const digits = b.subarray(12).toString('hex');
  const hex = b.readUInt8(11) ? digits.slice(0, -1) : digits;
  if (!Number.isFinite(score) || b.toString('base64url') !== token) throw NOT_OURS();
  return { phase: b.readUInt8(2), score, id: `exec-${hex}` };
}
