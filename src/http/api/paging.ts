import { OpsgateError } from '../../errors.js';

/** NextToken paging over a sorted list: the token is an opaque offset this API gave. */
export function page<T>(all: T[], max: number, token?: string): { items: T[]; next?: string } {
  let start = 0;
  if (token) {
    const m = /^o:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString());
    if (!m) throw new OpsgateError('InvalidParameter', 'NextToken: is not a token this API gave');
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
