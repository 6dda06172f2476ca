import {
  itemEnded,
  loopSucceeded,
  planLoop,
  resumeLoop,
  startLoop,
  type LoopState,
  type RateControl,
} from '../engine/loop.js';
import type { Execution, TaskOutcome, TaskRecord } from '../engine/types.js';
import type { LoopStore } from '../store/loops.js';
import { evaluate, type Scope } from '../template/expressions.js';
import type { Task } from '../template/schema.js';
import type { Producer } from './producer.js';
import { whenHolds } from './run-task.js';

export const MAX_ITEMS = 1000;

/** Loop Items as a list: a list, JSON text of one, or a single value. */
function asItems(v: unknown): unknown[] {
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

/** A loop task run by the step function's `run` effect: its When (checked once, not per item), then its loop. */
export async function runLoopTask(
  deps: { loops: LoopStore; producer: Producer },
  exec: Execution,
  task: Task,
  rec: TaskRecord,
  scope: Scope,
  signals: Record<string, unknown>,
  checkWhen: boolean,
): Promise<TaskOutcome & { consumed?: string[] }> {
  try {
    if (checkWhen && !(await whenHolds(task, scope))) return { kind: 'skipped' };
  } catch (err) {
    return { kind: 'failed', message: (err as Error).message };
  }
  return driveLoop(deps, exec, task, rec, scope, signals);
}

/**
 * A loop task as the driver sees it: the first run plans the loop and starts its first items;
 * later runs (when the items say the loop finished or paused) aggregate or wait.
 */
export async function driveLoop(
  deps: { loops: LoopStore; producer: Producer },
  exec: Execution,
  task: Task,
  rec: TaskRecord,
  scope: Scope,
  signals: Record<string, unknown>,
): Promise<TaskOutcome & { consumed?: string[] }> {
  const { loops } = deps;
  const te = rec.taskExecutionId;
  const loop = task.Loop!;
  let doc = await loops.get(exec.id, te);
  if (!doc) {
    let items: unknown[];
    let rc: RateControl;
    try {
      items = asItems(await evaluate(loop.Items, scope));
      const evaluated = (await evaluate(loop.RateControl ?? null, scope)) ?? {};
      const rcMap = typeof evaluated === 'string' ? (JSON.parse(evaluated) as RateControl) : (evaluated as RateControl);
      // The older placement of the same fields, directly on Loop.
      rc = {
        Mode: loop.Mode,
        Concurrency: loop.Concurrency,
        MaxErrors: loop.MaxErrors,
        BatchPauseOption: loop.BatchPauseOption,
        ...stripUndefined(rcMap),
      };
      rc = (await evaluate(rc, scope)) as RateControl;
    } catch (err) {
      return { kind: 'failed', message: `Loop: ${(err as Error).message}` };
    }
    if (items.length > MAX_ITEMS)
      return { kind: 'failed', message: `Loop: ${items.length} items, more than the ${MAX_ITEMS} OOS allows` };
    let step: ReturnType<typeof startLoop>;
    try {
      step = startLoop(planLoop(items.length, rc, exec.loopMode));
    } catch (err) {
      return { kind: 'failed', message: `Loop: ${(err as Error).message}` };
    }
    await loops.create(exec.id, te, { state: step.state, items, taskName: task.Name });
    doc = (await loops.get(exec.id, te))!;
  }
  // Queue again what the state says runs: a job that died after changing the state (here, or in
  // an item's end) queued nothing. Item job ids are fixed, so what is queued already stays once.
  await kick(deps, exec.id, te, doc.state);
  const counts = { Total: doc.state.plan.total, Success: 0, Failed: doc.state.failed };
  counts.Success = Object.values(doc.state.ended).filter((s) => s === 'Success').length;
  if (doc.state.paused) {
    if (!signals.resume)
      return {
        kind: 'wait',
        message:
          `loop ${task.Name}: batch ${doc.state.batch} of ${doc.state.plan.batches.length} done, waiting ` +
          `for NotifyExecution to go on`,
      };
    const step = await loops.update(exec.id, te, (d) => {
      const s = resumeLoop(d.state);
      return { doc: { ...d, state: s.state }, result: s };
    });
    await kick(deps, exec.id, te, step.state);
    return {
      kind: 'wait',
      running: true,
      message: `loop ${task.Name}: batch ${step.state.batch + 1} running`,
      consumed: ['resume'],
    };
  }
  if (!doc.state.finished)
    return {
      kind: 'wait',
      running: true,
      message: `loop ${task.Name}: ${Object.keys(doc.state.ended).length} of ${doc.state.plan.total} items done`,
    };

  const items = await loops.items(exec.id, te);
  const outputs: Record<string, unknown> = {};
  for (const [name, agg] of Object.entries(loop.Outputs ?? {})) {
    const values = items
      .filter((i) => i.outputs && Object.hasOwn(i.outputs, agg.AggregateField))
      .map((i) => i.outputs![agg.AggregateField]);
    outputs[name] = agg.AggregateType === 'Fn::Sum' ? values.reduce((n: number, v) => n + Number(v), 0) : values;
  }
  if (loopSucceeded(doc.state)) return { kind: 'success', outputs, loop: counts };
  const firstFailure = items.find((i) => i.status === 'Failed')?.message;
  return {
    kind: 'failed',
    loop: counts,
    message:
      `${doc.state.failed} of ${doc.state.plan.total} items failed, more than MaxErrors ` +
      `${doc.state.plan.maxErrors}${firstFailure ? ` (first: ${firstFailure})` : ''}`,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** An item ended: advance the loop once, then queue what the new state says. */
export async function reportItem(
  deps: { loops: LoopStore; producer: Producer },
  execId: string,
  te: string,
  index: number,
  status: 'Success' | 'Failed' | 'Cancelled',
): Promise<void> {
  const state = await deps.loops.update(execId, te, (d) => {
    const s = itemEnded(d.state, index, status);
    return { doc: { ...d, state: s.state }, result: s.state };
  });
  await kick(deps, execId, te, state);
}

/**
 * Queues what a loop state says must happen: its running items, or the driver when it finished
 * or paused. Safe to repeat (fixed job ids), which is what makes a crash between a state change
 * and its jobs harmless: whoever sees the state next queues them again.
 */
export async function kick(deps: { producer: Producer }, execId: string, te: string, state: LoopState): Promise<void> {
  if (state.finished) {
    await deps.producer.resume(execId, te, 'loop-done');
    return;
  }
  for (const i of state.running) await deps.producer.item(execId, te, i);
  if (state.paused && state.running.length === 0) await deps.producer.resume(execId, te, `loop-batch-${state.batch}`);
}
