import type { Msg } from '../i18n/index.js';
import type { Task, Template } from '../template/schema.js';
import { applyOutcome, nextTask, startTask, status } from './advance.js';
import { mayJump, maySkip, mayStart } from './gate.js';
import { executionMasker } from './mask.js';
import { said } from './message.js';
import { retryOrFail } from './retry.js';
import { Batch } from './step/batch.js';
import { waitingParent } from './step/parent.js';
import type { Continuation, RunOutcome, StepContext, StepEvent, StepResult } from './step/types.js';
import type { Execution } from './types.js';

export type * from './step/types.js';
export { waitingParent } from './step/parent.js';

/**
 * The run's decisions, in one pure function: given the execution and what just happened, the
 * execution after it and the effects the runner carries out in order (src/queue/processor.ts).
 * Modes (Debug, FailurePause), NotifyExecution's words, the gate, retries, which messages to send
 * and how a run ends are all decided here; the actions themselves run outside, and their outcome
 * comes back as the next event. No I/O: the clock and new ids come in `ctx`.
 */
export function step(template: Template, execution: Execution, event: StepEvent, ctx: StepContext): StepResult {
  switch (event.kind) {
    case 'resumed': {
      const claimed: Execution = { ...execution, status: 'Running' };
      const b = new Batch({ execution: claimed, started: execution.status === 'Queued' });
      return advance(template, claimed, { signals: { ...event.signals } }, ctx, b);
    }
    case 'ran':
      return ran(template, execution, event.outcome, event.cont, ctx, new Batch());
    case 'outputs': {
      const exec: Execution =
        event.error === undefined
          ? { ...execution, outputs: event.outputs }
          : { ...execution, status: 'Failed', ...status(said('engine:outputsFailed', { cause: event.error })) };
      const b = new Batch();
      if (!event.cont.settle || !event.cont.task) {
        b.save(exec, false);
        return finish(exec, b);
      }
      return settle(template, exec, event.cont.task.name, event.cont, ctx, b);
    }
  }
}

const iso = (ctx: StepContext) => new Date(ctx.now).toISOString();

/** The task the execution stands at (the policy's gate included), checked against what ran. */
function taskOf(template: Template, exec: Execution, name: string): Task {
  const next = nextTask(template, exec);
  if (next.kind !== 'run' || next.task.Name !== name)
    // i18n-exempt: a broken invariant (a bug), reported to developers in the job's failure
    throw new Error(`step: the execution stands at ${exec.current}, not at ${name}`);
  return next.task;
}

/** Goes from task to task until one must run (an effect for the runner), the run waits, or it ends. */
function advance(template: Template, start: Execution, cont: Continuation, ctx: StepContext, b: Batch): StepResult {
  let exec = start;
  const signals = { ...cont.signals };
  const consume = (name: string) => {
    delete signals[name];
    b.push({ kind: 'clear-signal', name });
  };
  const park = (e: Execution): StepResult => {
    b.save(e, true);
    b.push({ kind: 'wait', at: e.current });
    return { execution: e, effects: b.effects };
  };
  for (;;) {
    const next = nextTask(template, exec);
    if (next.kind === 'end')
      return outputsThen(template, { ...exec, status: 'Success', endDate: iso(ctx) }, cont, ctx, b);
    const task = next.task;
    let rec = exec.tasks[task.Name];

    // Suspended on failure (Mode FailurePause): RetryTask runs the task again, SkipTask skips it
    // unless the gate says no (an approval is never skipped).
    if (exec.pausedOnFailure) {
      if (signals.skip) {
        consume('skip');
        const verdict = maySkip(template, exec, task.Name);
        if (!verdict.ok)
          return park({ ...exec, status: 'Waiting', ...status(said('engine:skipRefused', { reason: verdict.text })) });
        exec = applyOutcome(template, { ...exec, pausedOnFailure: undefined }, task, { kind: 'skipped' }, iso(ctx));
        continue;
      }
      if (!signals.retry) return park({ ...exec, status: 'Waiting' });
      consume('retry');
      exec = { ...exec, pausedOnFailure: undefined, statusMessage: undefined, statusText: undefined };
      rec = undefined;
    }
    const fresh = !rec || !['Running', 'Waiting'].includes(rec.status);

    // Debug mode: every task waits for ExecuteTask (which may name another task, if the gate lets it
    // jump there) or CancelTask (skips it, unless it is an approval).
    if (exec.mode === 'Debug' && fresh && cont.debugGo !== task.Name) {
      const here = exec;
      const waitHere = (refused?: { cancel: boolean; reason: Msg }) =>
        park({
          ...here,
          status: 'Waiting',
          current: task.Name,
          ...status(
            refused
              ? said(refused.cancel ? 'engine:debugCancelRefused' : 'engine:debugJumpRefused', {
                  reason: refused.reason,
                  task: task.Name,
                })
              : said('engine:debugWaiting', { task: task.Name }),
          ),
        });
      if (signals.skip) {
        consume('skip');
        const verdict = maySkip(template, exec, task.Name);
        if (!verdict.ok) return waitHere({ cancel: true, reason: verdict.text });
        // A task skipped before it ever ran still gets a task run of its own (as a false When does).
        const started = exec.tasks[task.Name] ? exec : startTask(exec, task, iso(ctx), ctx.newId());
        exec = applyOutcome(template, started, task, { kind: 'skipped' }, iso(ctx));
        continue;
      }
      const go = signals.execute as { TaskName?: string } | undefined;
      if (!go) return waitHere();
      consume('execute');
      if (go.TaskName && go.TaskName !== task.Name) {
        const verdict = mayJump(template, exec, go.TaskName);
        if (!verdict.ok) return waitHere({ cancel: false, reason: verdict.text });
        exec = { ...exec, current: go.TaskName };
        cont = { ...cont, debugGo: go.TaskName };
        continue;
      }
    }

    if (fresh) {
      // The gate, once more before any task starts: whatever led here, nothing after an approval
      // runs before it is approved.
      const verdict = mayStart(template, exec, task.Name);
      if (!verdict.ok) {
        exec = startTask(exec, task, iso(ctx), ctx.newId());
        exec = applyOutcome(
          template,
          exec,
          task,
          { kind: 'failed', message: verdict.message, text: verdict.text },
          iso(ctx),
        );
        exec = {
          ...exec,
          status: 'Failed',
          ...status(verdict),
          endDate: exec.endDate ?? iso(ctx),
          pausedOnFailure: undefined,
        };
        b.save(exec, false, [{ name: task.Name, record: exec.tasks[task.Name]!, count: false }]);
        return finish(exec, b);
      }
      exec = startTask(exec, task, iso(ctx), ctx.newId());
      b.save(exec, false);
      b.tell(exec, { kind: 'task', executionId: exec.id, task: task.Name, status: 'Running' });
    }
    const record = exec.tasks[task.Name]!;
    const then: Continuation = { signals: { ...signals }, debugGo: cont.debugGo, task: { name: task.Name, fresh } };
    const kind = task.Loop ? 'run-loop' : 'run';
    b.push({ kind, execution: exec, task, record, checkWhen: fresh, signals: { ...signals }, cont: then });
    return { execution: exec, effects: b.effects };
  }
}

/** A task's outcome: retries, the signals it used, the execution after it, then settle. */
function ran(
  template: Template,
  before: Execution,
  reported: RunOutcome,
  cont: Continuation,
  ctx: StepContext,
  b: Batch,
): StepResult {
  const task = taskOf(template, before, cont.task!.name);
  const outcome = retryOrFail(task, before.tasks[task.Name]?.data, reported, ctx.now);
  // A Pause (or any task) that ended used NotifyExecution's go-ahead; a loop says what it used.
  const used = task.Loop ? (outcome.consumed ?? []) : outcome.kind !== 'wait' && cont.signals.resume ? ['resume'] : [];
  const signals = { ...cont.signals };
  for (const name of used) {
    delete signals[name];
    b.push({ kind: 'clear-signal', name });
  }
  let exec = applyOutcome(template, before, task, outcome, iso(ctx));
  if (outcome.properties) exec.tasks[task.Name] = { ...exec.tasks[task.Name]!, properties: outcome.properties };
  if (exec.status === 'Waiting' && outcome.kind === 'failed') exec = { ...exec, pausedOnFailure: true };
  const wait = outcome.kind === 'wait' ? outcome : undefined;
  const next: Continuation = {
    ...cont,
    signals,
    settle: { kind: outcome.kind, running: wait?.running, resumeAt: wait?.resumeAt },
  };
  if (exec.status === 'Success') return outputsThen(template, exec, next, ctx, b, task.Name);
  return settle(template, exec, task.Name, next, ctx, b);
}

/** A run that succeeded gets its template's Outputs (evaluated by the runner) before it is saved. */
function outputsThen(
  template: Template,
  exec: Execution,
  cont: Continuation,
  ctx: StepContext,
  b: Batch,
  task?: string,
): StepResult {
  if (template.Outputs) {
    b.push({ kind: 'outputs', execution: exec, cont });
    return { execution: exec, effects: b.effects };
  }
  if (!task) {
    b.save(exec, false);
    return finish(exec, b);
  }
  return settle(template, exec, task, cont, ctx, b);
}

/** Saves the execution after a task's outcome, records and tells it, then goes on, waits or ends. */
function settle(
  template: Template,
  exec: Execution,
  task: string,
  cont: Continuation,
  ctx: StepContext,
  b: Batch,
): StepResult {
  const s = cont.settle!;
  const runningWait = s.kind === 'wait' && s.running === true;
  const done = exec.tasks[task]!;
  // Kept for ListTaskExecutions once it ended (the execution holds the one under way), by the save that
  // shows the end, so whoever sees the run ended finds its tasks.
  const ended = done.status !== 'Running' && done.status !== 'Waiting';
  b.save(exec, exec.status !== 'Running' || runningWait, ended ? [{ name: task, record: done, count: true }] : []);
  if ((cont.task!.fresh || done.status !== 'Waiting') && !runningWait) {
    // The job sits in Redis (and the queue dashboard): it carries the message already masked.
    const mask = done.message ? executionMasker(exec, template) : undefined;
    const message = done.message && mask?.text(done.message);
    const text = done.text && mask?.msg(done.text);
    b.tell(exec, {
      kind: 'task',
      executionId: exec.id,
      task: task,
      status: done.status,
      message,
      ...(text && { text }),
    });
  }
  if (s.kind === 'wait') {
    if (s.resumeAt !== undefined) b.push({ kind: 'wake', task: task, at: s.resumeAt });
    b.push({ kind: 'wait', at: task });
    return { execution: exec, effects: b.effects };
  }
  if (exec.status === 'Running')
    return advance(template, exec, { signals: cont.signals, debugGo: cont.debugGo }, ctx, b);
  if (exec.status === 'Waiting') {
    b.push({ kind: 'wait', at: task });
    return { execution: exec, effects: b.effects };
  }
  return finish(exec, b);
}

/** How a run ends: what it left open is closed (unless it succeeded), the chat told, a parent resumed. */
function finish(exec: Execution, b: Batch): StepResult {
  // A successful run passed every approval it met; any other end may leave tickets open.
  if (exec.status !== 'Success') b.push({ kind: 'close-tickets', execution: exec });
  b.tell(exec, { kind: 'finished', executionId: exec.id });
  const parent = waitingParent(exec);
  if (parent) b.push({ kind: 'resume-parent', parent, childId: exec.id });
  b.push({ kind: 'finish', status: exec.status });
  return { execution: exec, effects: b.effects };
}
