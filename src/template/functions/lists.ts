import { msg } from '../../i18n/index.js';
import { asInteger, asList, asNumber, describe, fail, isMap, numberOf, parseJsonText, positional } from './args.js';

/** Picking from and reshaping lists: Select, First, Last, RangeSelect, ListJoin, MergeList. */

function Select(args: unknown): unknown {
  const [key, from] = positional('Select', args, '[indexOrKey, listOrMap]', 2);
  const container = parseJsonText(from);
  if (Array.isArray(container)) {
    const index = numberOf(key);
    if (index === undefined || !Number.isInteger(index)) {
      fail('Select', msg('functions:selectIndexNotWhole', { index: describe(key) }));
    }
    // Negative indexes count from the end, as in the Python behind OOS.
    if (index >= container.length || index < -container.length) {
      fail(
        'Select',
        msg('functions:selectIndexOutOfRange', { index: String(index), length: String(container.length) }),
      );
    }
    return container[index < 0 ? container.length + index : index];
  }
  if (isMap(container)) {
    if (typeof key !== 'string' && typeof key !== 'number')
      fail('Select', msg('functions:selectKeyMustBeString', { key: describe(key) }));
    // Optional fields (a TimerTrigger's endDate) are selected even when absent: give null.
    return Object.hasOwn(container, String(key)) ? container[String(key)] : null;
  }
  fail('Select', msg('functions:selectExpectsContainer', { value: describe(from) }));
}

function nonEmpty(fn: string, args: unknown): unknown[] {
  const list = asList(fn, args);
  if (list.length === 0) fail(fn, msg('functions:listEmpty'));
  return list;
}

function First(args: unknown): unknown {
  return nonEmpty('First', args)[0];
}

function Last(args: unknown): unknown {
  const list = nonEmpty('Last', args);
  return list[list.length - 1];
}

/** Python slice bounds: negative counts from the end, then clamp to the list. */
function bound(i: number, length: number): number {
  return Math.min(Math.max(i < 0 ? length + i : i, 0), length);
}

function RangeSelect(args: unknown): unknown[] {
  const [start, end, from] = positional('RangeSelect', args, '[start, end, list]', 3);
  const list = asList('RangeSelect', from);
  const s = bound(asInteger('RangeSelect', start, 'start'), list.length);
  const e = bound(asInteger('RangeSelect', end, 'end'), list.length);
  return list.slice(s, Math.max(s, e));
}

/** Collects its arguments into a list; also the Loop aggregate of per-item values. */
function ListJoin(args: unknown): unknown[] {
  return Array.isArray(args) ? [...args] : [args];
}

/** One level of flattening; items that are not lists are kept as they are. */
function MergeList(args: unknown): unknown[] {
  return asList('MergeList', args, msg('functions:aListOfLists')).flatMap((item) =>
    Array.isArray(item) ? item : [item],
  );
}

function numbers(fn: string, args: unknown): number[] {
  return asList(fn, args, msg('functions:aListOfNumbers')).map((v, i) =>
    asNumber(fn, v, msg('functions:itemN', { n: String(i + 1) })),
  );
}

function Min(args: unknown): number {
  const list = numbers('Min', args);
  if (list.length === 0) fail('Min', msg('functions:listEmpty'));
  return Math.min(...list);
}

function Max(args: unknown): number {
  const list = numbers('Max', args);
  if (list.length === 0) fail('Max', msg('functions:listEmpty'));
  return Math.max(...list);
}

/** Also the `Fn::Sum` Loop aggregate; an empty loop sums to 0. */
function Sum(args: unknown): number {
  return numbers('Sum', args).reduce((a, b) => a + b, 0);
}

/** Splits the items into `batchNumber` batches as evenly as possible, larger batches first. */
function CalculateBatch(args: unknown): number[] {
  const [count, items] = positional('CalculateBatch', args, '[batchNumber, items]', 2);
  const batches = asInteger('CalculateBatch', count, 'batchNumber');
  if (batches < 1) fail('CalculateBatch', msg('functions:batchNumberAtLeastOne', { value: String(batches) }));
  const total =
    typeof items === 'number'
      ? asInteger('CalculateBatch', items, msg('functions:theItemCount'))
      : asList('CalculateBatch', items, msg('functions:aListOfItems')).length;
  if (total < 0) fail('CalculateBatch', msg('functions:itemCountNegative', { value: String(total) }));
  const n = Math.min(batches, total);
  const size = Math.floor(total / Math.max(n, 1));
  return Array.from({ length: n }, (_, i) => size + (i < total % n ? 1 : 0));
}

export const lists = { Select, First, Last, RangeSelect, ListJoin, MergeList, Min, Max, Sum, CalculateBatch };
