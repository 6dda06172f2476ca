import { msg } from '../../i18n/index.js';
import { asList, asMap, asString, fail, parseJsonText, positional } from './args.js';

/** Building and reshaping maps: MergeMap, MergeMapToList, ConvertMapToList, MapJoin. */

function mapList(fn: string, args: unknown): Record<string, unknown>[] {
  return asList(fn, args, msg('functions:aListOfMaps')).map((m, i) =>
    asMap(fn, m, msg('functions:itemToBeMap', { n: String(i + 1) })),
  );
}

/** Shallow merge; a key in a later map replaces the same key in an earlier one. */
function MergeMap(args: unknown): Record<string, unknown> {
  // fromEntries, not assign: a `__proto__` key from parsed JSON must stay an ordinary key.
  return Object.fromEntries(mapList('MergeMap', args).flatMap((m) => Object.entries(m)));
}

/**
 * Zips the maps' list values by index into a list of maps. As the ROS doc of the same function
 * says, the result is as long as the longest list and a shorter list repeats its last value;
 * a scalar value is repeated for every index.
 */
function MergeMapToList(args: unknown): Record<string, unknown>[] {
  const entries = mapList('MergeMapToList', args).flatMap((m) => Object.entries(m));
  if (entries.length === 0) return [];
  const lengths = entries.filter(([, v]) => Array.isArray(v)).map(([, v]) => (v as unknown[]).length);
  const length = lengths.length > 0 ? Math.max(...lengths) : 1;
  return Array.from({ length }, (_, i) => {
    const row: [string, unknown][] = [];
    for (const [key, value] of entries) {
      if (!Array.isArray(value)) row.push([key, value]);
      else if (value.length > 0) row.push([key, value[Math.min(i, value.length - 1)]]);
    }
    return Object.fromEntries(row);
  });
}

/** A map to `[{Key, Value}]` pairs, the shape of tag lists in Alibaba Cloud APIs. */
function ConvertMapToList(args: unknown): { Key: string; Value: unknown }[] {
  let arg = parseJsonText(args);
  if (Array.isArray(arg)) {
    if (arg.length !== 1) fail('ConvertMapToList', msg('functions:expectsOneMap'));
    arg = arg[0];
  }
  const map = asMap('ConvertMapToList', arg);
  return Object.entries(map).map(([Key, Value]) => ({ Key, Value }));
}

function MapJoin(args: unknown): Record<string, unknown> {
  const [k, v] = positional('MapJoin', args, '[keys, values]', 2);
  const keys = asList('MapJoin', k, msg('functions:keysToBeList'));
  const values = asList('MapJoin', v, msg('functions:valuesToBeList'));
  if (keys.length !== values.length)
    fail('MapJoin', msg('functions:keysButValues', { keys: String(keys.length), values: String(values.length) }));
  return Object.fromEntries(keys.map((key, i) => [asString('MapJoin', key, msg('functions:aKey')), values[i]]));
}

export const maps = { MergeMap, MergeMapToList, ConvertMapToList, MapJoin };
