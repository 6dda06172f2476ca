import { ParameterError } from '../errors.js';
import { msg } from '../i18n/index.js';

/**
 * Loops, decided as data: a plan (batches with their concurrency, MaxErrors, pauses) and a state
 * that each item's end advances. The worker stores the state and runs the items it says to start.
 */
export type PauseOption = 'Automatic' | 'FirstBatchPause' | 'EveryBatchPause';

export interface LoopPlan {
  total: number;
  /** Item index ranges [start, end) run one batch after another; Concurrency mode is one batch. */
  batches: { start: number; end: number; concurrency: number }[];
  /** Items that may fail before no more are started. */
  maxErrors: number;
  pause: PauseOption;
}

export type ItemStatus = 'Success' | 'Failed' | 'Cancelled';

export interface LoopState {
  plan: LoopPlan;
  batch: number;
  next: number;
  running: number[];
  ended: Record<number, ItemStatus>;
  failed: number;
  /** MaxErrors was exceeded: no item starts any more. */
  stopped: boolean;
  /** A batch ended and the plan says to wait for a go-ahead before the next. */
  paused: boolean;
  finished: boolean;
}

export interface LoopStep {
  state: LoopState;
  start: number[];
}

export function startLoop(plan: LoopPlan): LoopStep {
  const state: LoopState = {
    plan,
    batch: 0,
    next: plan.batches[0]?.start ?? 0,
    running: [],
    ended: {},
    failed: 0,
    stopped: false,
    paused: false,
    finished: plan.total === 0,
  };
  return fill(state);
}

/** Starts what the current batch's concurrency allows. */
function fill(s: LoopState): LoopStep {
  if (s.finished || s.stopped || s.paused) return { state: s, start: [] };
  const b = s.plan.batches[s.batch];
  if (!b) return { state: s, start: [] };
  const start: number[] = [];
  let next = s.next;
  const running = [...s.running];
  while (next < b.end && running.length < b.concurrency) {
    start.push(next);
    running.push(next);
    next++;
  }
  return { state: { ...s, next, running }, start };
}

export function itemEnded(s: LoopState, index: number, status: ItemStatus): LoopStep {
  if (s.ended[index] !== undefined || !s.running.includes(index)) return { state: s, start: [] }; // a repeated report
  const failed = s.failed + (status === 'Success' ? 0 : 1);
  let state: LoopState = {
    ...s,
    failed,
    running: s.running.filter((i) => i !== index),
    ended: { ...s.ended, [index]: status },
    stopped: s.stopped || failed > s.plan.maxErrors,
  };
  const b = state.plan.batches[state.batch]!;
  if (state.running.length === 0 && (state.stopped || state.next >= b.end)) {
    const last = state.batch + 1 >= state.plan.batches.length;
    if (state.stopped || last) return { state: { ...state, finished: true }, start: [] };
    const pause =
      state.plan.pause === 'EveryBatchPause' || (state.plan.pause === 'FirstBatchPause' && state.batch === 0);
    state = { ...state, batch: state.batch + 1, next: state.plan.batches[state.batch + 1]!.start, paused: pause };
  }
  return fill(state);
}

/** The go-ahead after a batch pause. */
export function resumeLoop(s: LoopState): LoopStep {
  return fill({ ...s, paused: false });
}

/** Whether the loop task succeeded: its failures stayed within MaxErrors. */
export function loopSucceeded(s: LoopState): boolean {
  return s.failed <= s.plan.maxErrors;
}

/** Counts or percentages ('10', '10%') of a total, at least 1 when positive. */
export function amount(v: unknown, total: number, what: string): number {
  const text = String(v ?? '').trim();
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  if (!m) throw new ParameterError(msg('engine:notAnAmount', { what, value: JSON.stringify(v) }));
  const n = m[2] ? Math.ceil((Number(m[1]) / 100) * total) : Math.floor(Number(m[1]));
  return m[2] && Number(m[1]) > 0 ? Math.max(1, n) : n;
}

export interface RateControl {
  Mode?: unknown;
  Concurrency?: unknown;
  MaxErrors?: unknown;
  Batch?: unknown;
  ConcurrencyInBatches?: unknown;
  BatchPauseOption?: unknown;
}

/** The plan of a loop of `total` items from its (evaluated) RateControl, in either placement. */
export function planLoop(total: number, rc: RateControl, loopMode?: string): LoopPlan {
  const mode = String(rc.Mode ?? 'Concurrency');
  const maxErrors = amount(rc.MaxErrors ?? 0, total, 'MaxErrors');
  const pause = String(rc.BatchPauseOption ?? loopMode ?? 'Automatic') as PauseOption;
  if (!['Automatic', 'FirstBatchPause', 'EveryBatchPause'].includes(pause))
    throw new ParameterError(msg('engine:badBatchPauseOption', { value: JSON.stringify(pause) }));
  if (mode === 'Concurrency') {
    const concurrency = Math.max(1, amount(rc.Concurrency ?? 1, total, 'Concurrency'));
    return { total, batches: [{ start: 0, end: total, concurrency }], maxErrors, pause };
  }
  if (mode !== 'Batch') throw new ParameterError(msg('engine:badRateControlMode', { value: JSON.stringify(mode) }));
  const sizes = Array.isArray(rc.Batch) ? rc.Batch : [rc.Batch ?? total];
  const concurrencies = Array.isArray(rc.ConcurrencyInBatches) ? rc.ConcurrencyInBatches : [];
  const batches: LoopPlan['batches'] = [];
  let start = 0;
  sizes.forEach((size, i) => {
    if (start >= total) return;
    const isLast = i === sizes.length - 1;
    const n = Math.max(1, amount(size, total, `Batch[${i}]`));
    // The last size repeats until every item has a batch.
    for (let end = Math.min(total, start + n); ; end = Math.min(total, start + n)) {
      batches.push({
        start,
        end,
        concurrency: Math.max(
          1,
          amount(concurrencies[batches.length] ?? concurrencies.at(-1) ?? 20, end - start, 'ConcurrencyInBatches'),
        ),
      });
      start = end;
      if (!isLast || start >= total) break;
    }
  });
  return { total, batches, maxErrors, pause };
}
