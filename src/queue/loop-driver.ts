import { itemEnded, loopSucceeded, planLoop, resumeLoop, startLoop, type RateControl } from '../engine/loop.js';
import type { Execution, TaskOutcome, TaskRecord } from '../engine/types.js';
import type { LoopStore } from '../store/loops.js';
import { evaluate, type Scope } from '../template/expressions.js';
import type { Task } from '../template/schema.js';
import type { Producer } from './producer.js';

export const MAX_ITEMS = 1000;

/** Loop Items as a list: a list, JSON text of one, or a single value. */
function asItems(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' && v.trim().startsWith('[')) {
    try { const parsed = JSON.parse(v) as unknown; if (Array.isArray(parsed)) return parsed; } catch { /* a plain string */ }
  }
  if (v === null || v === undefined || v === '') return [];
  return [v];
}

/**
 * A loop task as the driver sees it: the first run plans the loop and starts its first items;
 * later runs (when the items say the loop finished or paused) aggregate or wait.
 */
export async function driveLoop(
  deps: { loops: LoopStore; producer: Producer },
  exec: Execution, task: Task, rec: TaskRecord, scope: Scope, signals: Record<string, unknown>,
): Promise<TaskOutcome & { consumed?: string[] }> {
  const { loops, producer } = deps;
  const te = rec.taskExecutionId;
  const loop = task.Loop!;
  let doc = await loops.get(exec.id, te);
  if (!doc) {
    let items: unknown[];
    let rc: RateControl;
    try {
      items = asItems(await evaluate(loop.Items, scope));
      const evaluated = (await evaluate(loop.RateControl ?? null, scope)) ?? {};
      const rcMap = typeof evaluated === 'string' ? JSON.parse(evaluated) as RateControl : evaluated as RateControl;
      // The older placement of the same fields, directly on Loop.
      rc = { Mode: loop.Mode, Concurrency: loop.Concurrency, MaxErrors: loop.MaxErrors, BatchPauseOption: loop.BatchPauseOption, ...stripUndefined(rcMap) };
      rc = (await evaluate(rc, scope)) as RateControl;
    } catch (err) {
      return { kind: 'failed', message: `Loop: ${(err as Error).message}` };
    }
    if (items.length > MAX_ITEMS) return { kind: 'failed', message: `Loop: ${items.length} items, more than the ${MAX_ITEMS} OOS allows` };
    let step;
    try { step = startLoop(planLoop(items.length, rc, exec.loopMode)); } catch (err) { return { kind: 'failed', message: `Loop: ${(err as Error).message}` }; }
    if (await loops.create(exec.id, te, { state: step.state, items, taskName: task.Name })) {
      for (const i of step.start) await producer.item(exec.id, te, i);
    }
    doc = (await loops.get(exec.id, te))!;
  }
  const counts = { Total: doc.state.plan.total, Success: 0, Failed: doc.state.failed };
  counts.Success = Object.values(doc.state.ended).filter((s) => s === 'Success').length;
  if (doc.state.paused) {
    if (!signals.resume) return { kind: 'wait', message: `loop ${task.Name}: batch ${doc.state.batch} of ${doc.state.plan.batches.length} done, waiting for NotifyExecution to go on` };
    const step = await loops.update(exec.id, te, (d) => { const s = resumeLoop(d.state); return { doc: { ...d, state: s.state }, result: s }; });
    for (const i of step.start) await producer.item(exec.id, te, i);
    return { kind: 'wait', running: true, message: `loop ${task.Name}: batch ${step.state.batch + 1} running`, consumed: ['resume'] };
  }
  if (!doc.state.finished) return { kind: 'wait', running: true, message: `loop ${task.Name}: ${Object.keys(doc.state.ended).length} of ${doc.state.plan.total} items done` };

  const items = await loops.items(exec.id, te);
  const outputs: Record<string, unknown> = {};
  for (const [name, agg] of Object.entries(loop.Outputs ?? {})) {
    const values = items.filter((i) => i.outputs && Object.hasOwn(i.outputs, agg.AggregateField)).map((i) => i.outputs![agg.AggregateField]);
    outputs[name] = agg.AggregateType === 'Fn::Sum' ? values.reduce((n: number, v) => n + Number(v), 0) : values;
  }
  if (loopSucceeded(doc.state)) return { kind: 'success', outputs, loop: counts };
  const firstFailure = items.find((i) => i.status === 'Failed')?.message;
  return { kind: 'failed', loop: counts, message: `${doc.state.failed} of ${doc.state.plan.total} items failed, more than MaxErrors ${doc.state.plan.maxErrors}${firstFailure ? ` (first: ${firstFailure})` : ''}` };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** An item ended: advance the loop once, start what it allows, wake the driver when it must act. */
export async function reportItem(deps: { loops: LoopStore; producer: Producer }, execId: string, te: string, index: number, status: 'Success' | 'Failed' | 'Cancelled'): Promise<void> {
  const step = await deps.loops.update(execId, te, (d) => { const s = itemEnded(d.state, index, status); return { doc: { ...d, state: s.state }, result: s }; });
  for (const i of step.start) await deps.producer.item(execId, te, i);
  if (step.state.finished) await deps.producer.resume(execId, te, 'loop-done');
  else if (step.state.paused && step.state.running.length === 0) await deps.producer.resume(execId, te, `loop-batch-${step.state.batch}`);
}
