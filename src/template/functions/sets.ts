import { msg } from '../../i18n/index.js';
import { asList, fail, isMap } from './args.js';

/** Set operations over lists: Intersection, Union, Difference. Items compare by value, deeply. */

/** A key equal for equal values, whatever the order of map keys. */
function keyOf(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(keyOf).join(',')}]`;
  if (isMap(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${keyOf(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

function lists(fn: string, args: unknown): unknown[][] {
  if (!Array.isArray(args) || args.length === 0)
    fail(fn, msg('functions:expects', { what: msg('functions:aListOfLists') }));
  return args.map((l, i) => asList(fn, l, msg('functions:listToBeList', { n: String(i + 1) })));
}

/** Distinct items of all lists, in order of first appearance (the first list's order first). */
function union(all: unknown[][]): Map<string, unknown> {
  const seen = new Map<string, unknown>();
  for (const list of all) for (const item of list) if (!seen.has(keyOf(item))) seen.set(keyOf(item), item);
  return seen;
}

function common(all: unknown[][]): Set<string> {
  const keys = all.map((list) => new Set(list.map(keyOf)));
  return new Set([...union(all).keys()].filter((k) => keys.every((set) => set.has(k))));
}

function Intersection(args: unknown): unknown[] {
  const all = lists('Intersection', args);
  const both = common(all);
  return [...union(all)].filter(([k]) => both.has(k)).map(([, v]) => v);
}

function Union(args: unknown): unknown[] {
  return [...union(lists('Union', args)).values()];
}

/** The doc: "the union minus the intersection", i.e. the symmetric difference. */
function Difference(args: unknown): unknown[] {
  const all = lists('Difference', args);
  const both = common(all);
  return [...union(all)].filter(([k]) => !both.has(k)).map(([, v]) => v);
}

export const sets = { Intersection, Union, Difference };
