import { isMsg, type Msg, msg } from '../i18n/index.js';
import type { Task } from '../template/schema.js';
import { told } from './advance.js';
import { loopSucceeded, planLoop, type ItemStatus, type LoopPlan, type LoopState, type RateControl } from './loop.js';
import { inner, said, saidBy, type Said } from './message.js';
import { retryOrFail } from './retry.js';
import type { RunOutcome } from './step/types.js';
import type { TaskOutcome, TaskRecord } from './types.js';

/**
 * A loop task's decisions, pure: what its items are, its plan, what the driver answers at each point
 * (wait for the items, wait for a go-ahead, aggregate), and what an item's action outcome makes of
 * the item. queue/loop-driver.ts and queue/item.ts evaluate expressions, store and queue around them.
 */

/** OOS runs at most this many items in one loop. */
export const MAX_ITEMS = 1000;

/** One item's record, kept beside the loop task's (ListTaskExecutions shows them as its children). */
export type ItemRecord = Omit<TaskRecord, 'action'> & { index: number; item: unknown };

/** Loop Items as a list: a list, JSON text of one, or a single value. */
export function asItems(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' && v.trim().startsWith('[')) {
    try {
      const parsed = JSON.parse(v) as unknown;
      if (Array.isArray(parsed)) return parsed;
    } catch {
      /* a plain string */
    }
  }
  if (v === null || v === undefined || v === '') return [];
  return [v];
}

/** RateControl as written (a map, or JSON text of one) over the older placement of its fields on Loop. */
export function rateControlOf(loop: NonNullable<Task['Loop']>, evaluated: unknown): RateControl {
  const given = typeof evaluated === 'string' ? (JSON.parse(evaluated) as RateControl) : (evaluated as RateControl);
  const older: RateControl = {
    Mode: loop.Mode,
    Concurrency: loop.Concurrency,
    MaxErrors: loop.MaxErrors,
    BatchPauseOption: loop.BatchPauseOption,
  };
  return { ...older, ...present(given ?? {}) };
}

function present<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** The plan of a loop over `items`, or why there is none (the loop task fails with it). */
export function loopPlanOf(
  items: unknown[],
  rc: RateControl,
  loopMode: string | undefined,
): { plan: LoopPlan } | { error: Said } {
  if (items.length > MAX_ITEMS)
    return { error: said('engine:loopTooManyItems', { count: items.length, max: MAX_ITEMS }) };
  try {
    return { plan: planLoop(items.length, rc, loopMode) };
  } catch (err) {
    return { error: said('engine:loopInvalid', { cause: inner(saidBy(err)) }) };
  }
}

/**
 * What the loop task answers when it runs with its state: items still running (wait), a batch pause
 * (wait for NotifyExecution's resume; with it, `resume` the loop), or the loop ended (`aggregate`).
 */
export type LoopProgress =
  | ({ kind: 'wait'; running: boolean } & Said)
  | { kind: 'resume'; message: (batch: number) => Said }
  | { kind: 'aggregate' };

export function loopProgress(task: Task, s: LoopState, signals: Record<string, unknown>): LoopProgress {
  if (s.paused) {
    if (signals.resume)
      return {
        kind: 'resume',
        message: (batch) => said('engine:loopBatchRunning', { task: task.Name, batch: batch + 1 }),
      };
    return {
      kind: 'wait',
      running: false,
      ...said('engine:loopBatchPaused', { task: task.Name, batch: s.batch, batches: s.plan.batches.length }),
    };
  }
  if (!s.finished)
    return {
      kind: 'wait',
      running: true,
      ...said('engine:loopItemsDone', { task: task.Name, done: Object.keys(s.ended).length, total: s.plan.total }),
    };
  return { kind: 'aggregate' };
}

/** ListTaskExecutions' loop counts. */
export function loopCounts(s: LoopState): NonNullable<TaskRecord['loop']> {
  const success = Object.values(s.ended).filter((v) => v === 'Success').length;
  return { Total: s.plan.total, Success: success, Failed: s.failed };
}

/** The ended loop task's outcome: Outputs aggregated over its items, or the failure within MaxErrors' terms. */
export function loopResult(task: Task, s: LoopState, items: ItemRecord[]): TaskOutcome {
  const counts = loopCounts(s);
  const outputs: Record<string, unknown> = {};
  for (const [name, agg] of Object.entries(task.Loop?.Outputs ?? {})) {
    const values = items
      .filter((i) => i.outputs && Object.hasOwn(i.outputs, agg.AggregateField))
      .map((i) => i.outputs![agg.AggregateField]);
    outputs[name] = agg.AggregateType === 'Fn::Sum' ? values.reduce((n: number, v) => n + Number(v), 0) : values;
  }
  if (loopSucceeded(s)) return { kind: 'success', outputs, loop: counts };
  const counted = { failed: s.failed, total: s.plan.total, maxErrors: s.plan.maxErrors };
  const first = items.find((i) => i.status === 'Failed' && i.message !== undefined);
  if (!first) return { kind: 'failed', loop: counts, ...said('engine:loopFailed', counted) };
  const { path, cause } = failureChain({ message: first.message!, text: first.text });
  const item = [itemName(first.item, first.index), ...path].join(' > ');
  return { kind: 'failed', loop: counts, ...said('engine:loopFailedAt', { ...counted, item, cause }) };
}

/** Items are named by at most this many characters in a loop's failure. */
export const ITEM_NAME_MAX = 40;

/** Fields that name a map item, in the order they are looked for (any case). */
const NAMING_FIELDS = ['instanceid', 'resourceid', 'id', 'name', 'key'];

/**
 * What a loop's failure calls an item: its value (an instance id), for a map its one key or its
 * naming field (InstanceId, Id, Name...), else its JSON; cut to ITEM_NAME_MAX characters.
 */
export function itemName(item: unknown, index: number): string {
  let name: string;
  if (typeof item === 'string') name = item;
  else if (item && typeof item === 'object' && !Array.isArray(item)) {
    const entries = Object.entries(item);
    const naming = NAMING_FIELDS.map((f) => entries.find(([k, v]) => k.toLowerCase() === f && isScalar(v))).find(
      Boolean,
    );
    name = entries.length === 1 ? entries[0]![0] : naming ? String(naming[1]) : JSON.stringify(item);
  } else name = JSON.stringify(item) ?? String(item);
  if (!name.trim()) return `#${index}`;
  return name.length > ITEM_NAME_MAX ? `${name.slice(0, ITEM_NAME_MAX - 1)}…` : name;
}

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number';

/**
 * The items (of nested loops, through child executions) a failure happened in, and what failed there:
 * `child execution x failed: task t failed: 1 of 2 items failed ... (first: disk-1: boom)` is
 * [disk-1] and boom. A message without catalogue text (an older record) is its own cause.
 */
export function failureChain(s: Said): { path: string[]; cause: Msg | string } {
  const path: string[] = [];
  let at: Msg | string = inner(s);
  for (;;) {
    if (!isMsg(at)) return { path, cause: at };
    const v = at.values ?? {};
    if (at.key === 'engine:loopFailedAt' && typeof v.item === 'string') path.push(v.item);
    else if (at.key !== 'actions:childFailed' && at.key !== 'engine:taskFailed') return { path, cause: at };
    const next = v.cause;
    if (typeof next !== 'string' && !isMsg(next)) return { path, cause: at };
    at = next;
  }
}

/** An item's record before its first run. */
export function newItem(te: string, index: number, item: unknown, now: number): ItemRecord {
  return { index, item, taskExecutionId: `${te}-${index}`, status: 'Running', startDate: new Date(now).toISOString() };
}

/** The item of a run that ended first: it runs no more. */
export function itemCancelled(rec: ItemRecord, executionStatus: string, now: number): ItemRecord {
  const { message, text } = said('engine:itemCancelled', { status: msg('common:status', { status: executionStatus }) });
  return { ...rec, status: 'Cancelled', message, text, endDate: new Date(now).toISOString() };
}

/**
 * What an item's action outcome makes of the item, the task's Retries applied: it waits (to run again
 * at `resumeAt`, or when a child ends), or it ended with the status the loop counts.
 */
export function itemAfter(
  task: Task,
  rec: ItemRecord,
  ran: RunOutcome,
  now: number,
): { record: ItemRecord; resumeAt?: number; ended?: ItemStatus } {
  const outcome = retryOrFail(task, rec.data, ran, now);
  if (outcome.kind === 'wait') {
    const record = {
      ...rec,
      status: 'Waiting' as const,
      ...told(outcome),
      data: outcome.data,
      properties: outcome.properties,
    };
    return { record, ...(outcome.resumeAt !== undefined ? { resumeAt: outcome.resumeAt } : {}) };
  }
  const ended: ItemStatus =
    outcome.kind === 'success' || outcome.kind === 'skipped'
      ? 'Success'
      : outcome.kind === 'failed'
        ? 'Failed'
        : 'Cancelled';
  const record: ItemRecord = {
    ...rec,
    status: ended,
    endDate: new Date(now).toISOString(),
    properties: outcome.properties,
    ...(outcome.kind === 'success' ? { outputs: outcome.outputs, message: undefined, text: undefined } : {}),
    ...(outcome.kind === 'failed' || outcome.kind === 'cancel' ? told(outcome) : {}),
  };
  return { record, ended };
}

/** Whether an item's record is final (a job run again after a crash only reports it again). */
export const itemEndedAs = (rec: ItemRecord): ItemStatus | undefined =>
  rec.status === 'Success' || rec.status === 'Failed' || rec.status === 'Cancelled' ? rec.status : undefined;
