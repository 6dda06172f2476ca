import { itemEnded, resumeLoop, startLoop, type LoopState, type RateControl } from '../engine/loop.js';
import { asItems, loopPlanOf, loopProgress, loopResult, rateControlOf } from '../engine/loop-task.js';
import { inner, said, saidBy } from '../engine/message.js';
import type { Execution, TaskOutcome, TaskRecord } from '../engine/types.js';
import type { LoopStore } from '../store/loops.js';
import { evaluate, type Scope } from '../template/expressions.js';
import type { Task } from '../template/schema.js';
import type { Producer } from './producer.js';
import { whenHolds } from './run-task.js';

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
    return { kind: 'failed', ...saidBy(err) };
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
    let planned: ReturnType<typeof loopPlanOf>;
    let items: unknown[];
    try {
      items = asItems(await evaluate(loop.Items, scope));
      const rc = rateControlOf(loop, await evaluate(loop.RateControl ?? null, scope));
      planned = loopPlanOf(items, (await evaluate(rc, scope)) as RateControl, exec.loopMode);
    } catch (err) {
      return { kind: 'failed', ...said('engine:loopInvalid', { cause: inner(saidBy(err)) }) };
    }
    if ('error' in planned) return { kind: 'failed', ...planned.error };
    await loops.create(exec.id, te, { state: startLoop(planned.plan).state, items, taskName: task.Name });
    doc = (await loops.get(exec.id, te))!;
  }
  // Queue again what the state says runs: a job that died after changing the state (here, or in
  // an item's end) queued nothing. Item job ids are fixed, so what is queued already stays once.
  await kick(deps, exec.id, te, doc.state);
  const progress = loopProgress(task, doc.state, signals);
  if (progress.kind === 'wait') {
    const { message, text } = progress;
    return { kind: 'wait', message, text, ...(progress.running ? { running: true } : {}) };
  }
  if (progress.kind === 'resume') {
    const step = await loops.update(exec.id, te, (d) => {
      const s = resumeLoop(d.state);
      return { doc: { ...d, state: s.state }, result: s };
    });
    await kick(deps, exec.id, te, step.state);
    return { kind: 'wait', running: true, ...progress.message(step.state.batch), consumed: ['resume'] };
  }
  return loopResult(task, doc.state, await loops.items(exec.id, te));
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
