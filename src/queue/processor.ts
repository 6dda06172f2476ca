import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import { applyOutcome, nextTask, startTask } from '../engine/advance.js';
import { mayJump, maySkip, mayStart } from '../engine/gate.js';
import type { Ports } from '../engine/actions/types.js';
import { isTerminal } from '../engine/status.js';
import { postsProgress, type Execution, type TaskOutcome, type TaskRecord } from '../engine/types.js';
import { builtinsFor } from '../core/builtins.js';
import type { TicketTimer } from '../core/approval-service.js';
import { withLogContext, type Logger } from '../log.js';
import { executionMasker } from '../engine/mask.js';
import type { ExecutionStore } from '../store/executions.js';
import type { LoopStore } from '../store/loops.js';
import type { TemplateStore } from '../store/templates.js';
import { evaluate } from '../template/expressions.js';
import type { Template } from '../template/schema.js';
import { coerce } from '../template/selector.js';
import { runItem } from './item.js';
import { driveLoop } from './loop-driver.js';
import type { NotifyJob, Producer, StepJob } from './producer.js';
import { runTask, scopeOf, whenHolds } from './run-task.js';

export class HeldElsewhereError extends Error {
  constructor(id: string) { super(`execution ${id} is held by another job; will retry`); }
}

export interface ProcessorDeps {
  executions: ExecutionStore;
  templates: TemplateStore;
  loops: LoopStore;
  producer: Producer;
  ports: Ports;
  log: Logger;
  /** A timer trigger's job fired: start its child. */
  fire(executionId: string, jobId: string): Promise<string>;
  /** A ticket's timeout, reminder or escalation. */
  ticketTimer(job: TicketTimer): Promise<string>;
  /** Tells a CreateApproval caller its decision (throws to be retried). */
  callback(ticketId: string): Promise<string>;
  /** Announces an approval level by WebHook or Mail (throws to be retried). */
  deliver(ticketId: string, level: number): Promise<string>;
  /** A run ended other than Success: close what it left open (its approval tickets). */
  ended?(exec: Execution): Promise<unknown>;
  /** A task got its final status here (metrics; must not touch Redis). */
  taskEnded?(task: TaskRecord): void;
}

export const newTaskExecutionId = () => `task-exec-${randomBytes(10).toString('hex')}`;

/**
 * Step jobs: the driver advances one execution task by task, saving after each, until it ends,
 * waits, or parks while a loop's items run ('item' jobs, see item.ts). A job that finds the
 * execution ended or held by another does nothing or retries: duplicate and recovered jobs are
 * harmless.
 */
export function stepProcessor(deps: ProcessorDeps) {
  const { executions, templates, producer, ports, log } = deps;
  const now = () => new Date(ports.now());

  // Progress goes to the chat where the run started; API and CLI runs have none to tell.
  const tell = async (exec: Execution, job: NotifyJob) => { if (!exec.parent && postsProgress(exec.origin)) await producer.notify(job); };

  async function finish(exec: Execution): Promise<string> {
    // A successful run passed every approval it met; any other end may leave tickets open.
    if (exec.status !== 'Success') await deps.ended?.(exec);
    await tell(exec, { kind: 'finished', executionId: exec.id });
    // A child's end resumes what waits for it: its parent's task, or that task's loop item.
    const p = exec.parent;
    if (p && !p.detached) {
      if (p.index !== undefined) await producer.item(p.executionId, p.taskExecutionId, p.index, `child-${exec.id}`);
      else await producer.resume(p.executionId, p.taskName, `child-${exec.id}`);
    }
    log.info({ executionId: exec.id, status: exec.status }, 'execution ended');
    return exec.status;
  }

  async function drive(job: Job<StepJob>): Promise<string> {
    const runner = job.id!;
    const found = await executions.find(job.data.executionId);
    if (!found || isTerminal(found.status)) return 'nothing to do';
    const { template } = await templates.runnable(found.templateName, found.templateVersion);
    let exec: Execution = { ...found, status: 'Running' };
    if (!(await executions.save(exec, runner))) {
      // Another job is still running it: a resume can arrive before the job that parked the
      // execution has saved it. Retry (with backoff) rather than lose the resume.
      if ((await executions.find(found.id))?.status === 'Running') throw new HeldElsewhereError(found.id);
      return 'nothing to do';
    }
    if (found.status === 'Queued') await tell(exec, { kind: 'started', executionId: exec.id });
    const signals = await executions.signals(exec.id);
    const consume = async (name: string) => { delete signals[name]; await executions.clearSignal(exec.id, name); };
    const builtins = builtinsFor(exec, now());
    const park = async (e: Execution) => (await executions.save(e, runner, true)) ? `waiting at ${e.current}` : 'lost the execution';
    let debugGo: string | undefined;

    for (;;) {
      const next = nextTask(template, exec);
      if (next.kind === 'end') {
        exec = await withOutputs(template, { ...exec, status: 'Success', endDate: now().toISOString() }, builtins);
        if (!(await executions.save(exec, runner))) return 'lost the execution';
        return finish(exec);
      }
      const task = next.task;
      let rec = exec.tasks[task.Name];

      // Suspended on failure (Mode FailurePause): RetryTask runs the task again, SkipTask skips it
      // unless the gate says no (an approval is never skipped).
      if (exec.pausedOnFailure) {
        if (signals.skip) {
          await consume('skip');
          const verdict = maySkip(template, exec, task.Name);
          if (!verdict.ok) return park({ ...exec, status: 'Waiting', statusMessage: `SkipTask refused: ${verdict.message}` });
          exec = applyOutcome(template, { ...exec, pausedOnFailure: undefined }, task, { kind: 'skipped' }, now().toISOString());
          continue;
        }
        if (!signals.retry) return park({ ...exec, status: 'Waiting' });
        await consume('retry');
        exec = { ...exec, pausedOnFailure: undefined, statusMessage: undefined };
        rec = undefined;
      }
      const fresh = !rec || !['Running', 'Waiting'].includes(rec.status);

      // Debug mode: every task waits for ExecuteTask (which may name another task, if the gate
      // lets it jump there) or CancelTask (skips it, unless it is an approval).
      if (exec.mode === 'Debug' && fresh && debugGo !== task.Name) {
        const waitHere = (why = '') => park({ ...exec, status: 'Waiting', current: task.Name, statusMessage: `Debug: ${why}waiting for ExecuteTask (next: ${task.Name})` });
        if (signals.skip) {
          await consume('skip');
          const verdict = maySkip(template, exec, task.Name);
          if (!verdict.ok) return waitHere(`CancelTask refused: ${verdict.message}; `);
          exec = applyOutcome(template, exec, task, { kind: 'skipped' }, now().toISOString());
          continue;
        }
        const go = signals.execute as { TaskName?: string } | undefined;
        if (!go) return waitHere();
        await consume('execute');
        if (go.TaskName && go.TaskName !== task.Name) {
          const verdict = mayJump(template, exec, go.TaskName);
          if (!verdict.ok) return waitHere(`${verdict.message}; `);
          exec = { ...exec, current: go.TaskName };
          debugGo = go.TaskName;
          continue;
        }
      }

      // The gate, once more before any task starts: whatever led here, nothing after an approval
      // runs before it is approved.
      if (fresh) {
        const verdict = mayStart(template, exec, task.Name);
        if (!verdict.ok) {
          exec = applyOutcome(template, startTask(exec, task, now().toISOString(), newTaskExecutionId()), task, { kind: 'failed', message: verdict.message }, now().toISOString());
          exec = { ...exec, status: 'Failed', statusMessage: verdict.message, endDate: exec.endDate ?? now().toISOString(), pausedOnFailure: undefined };
          if (!(await executions.save(exec, runner))) return 'lost the execution';
          await executions.recordTask(exec.id, task.Name, exec.tasks[task.Name]!);
          return finish(exec);
        }
      }

      if (fresh || !rec) {
        exec = startTask(exec, task, now().toISOString(), newTaskExecutionId());
        if (!(await executions.save(exec, runner))) return 'lost the execution';
        await tell(exec, { kind: 'task', executionId: exec.id, task: task.Name, status: 'Running' });
      }
      rec = exec.tasks[task.Name]!;
      const scope = scopeOf(exec, builtins);
      let outcome: (TaskOutcome & { properties?: Record<string, unknown>; consumed?: string[] }) | undefined;
      if (task.Loop) {
        let skip = false;
        try { skip = fresh && !(await whenHolds(task, scope)); } catch (err) { outcome = { kind: 'failed', message: (err as Error).message }; }
        outcome ??= skip ? { kind: 'skipped' } : await driveLoop(deps, exec, task, rec, scope, signals);
      } else {
        outcome = await runTask({ exec, task, scope, ports, record: rec, signals, taskExecutionId: rec.taskExecutionId });
        if (outcome.kind !== 'wait' && signals.resume) outcome.consumed = ['resume'];
      }
      for (const name of outcome.consumed ?? []) await consume(name);
      exec = applyOutcome(template, exec, task, outcome, now().toISOString());
      if (outcome.properties) exec.tasks[task.Name] = { ...exec.tasks[task.Name]!, properties: outcome.properties };
      if (exec.status === 'Waiting' && outcome.kind === 'failed') exec = { ...exec, pausedOnFailure: true };
      if (exec.status === 'Success') exec = await withOutputs(template, exec, builtins);
      const parked = exec.status !== 'Running' || (outcome.kind === 'wait' && outcome.running === true);
      if (!(await executions.save(exec, runner, parked))) return 'lost the execution';
      const done = exec.tasks[task.Name]!;
      // Kept for ListTaskExecutions once it ended; the execution holds the one under way.
      if (done.status !== 'Running' && done.status !== 'Waiting') {
        await executions.recordTask(exec.id, task.Name, done);
        deps.taskEnded?.(done);
      }
      if ((fresh || done.status !== 'Waiting') && !(outcome.kind === 'wait' && outcome.running)) {
        // The job sits in Redis (and the queue dashboard): it carries the message already masked.
        await tell(exec, { kind: 'task', executionId: exec.id, task: task.Name, status: done.status, message: done.message && executionMasker(exec, template).text(done.message) });
      }
      if (outcome.kind === 'wait') {
        if (outcome.resumeAt !== undefined) await producer.wake(exec.id, task.Name, outcome.resumeAt);
        return `waiting at ${task.Name}`;
      }
      if (exec.status === 'Running') continue;
      if (exec.status === 'Waiting') return `waiting at ${task.Name}`;
      return finish(exec);
    }
  }

  // Every line a job writes names its job and what it is for (execution, ticket).
  return (job: Job<StepJob>): Promise<string> => {
    const d = job.data as { executionId?: string; ticketId?: string };
    return withLogContext({ jobId: job.id, executionId: d.executionId || undefined, ticketId: d.ticketId }, () => step(job));
  };

  async function step(job: Job<StepJob>): Promise<string> {
    if (job.name === 'item') return runItem(deps, job.data as Required<StepJob>, now);
    if (job.name === 'fire') return deps.fire(job.data.executionId, job.id!.replace(/:/g, '-'));
    if (job.name === 'ticket-timer') return deps.ticketTimer(job.data as unknown as TicketTimer);
    if (job.name === 'callback') return deps.callback((job.data as unknown as { ticketId: string }).ticketId);
    if (job.name === 'deliver') { const d = job.data as unknown as { ticketId: string; level: number }; return deps.deliver(d.ticketId, d.level); }
    return drive(job);
  }
}

async function withOutputs(template: Template, exec: Execution, builtins: Record<string, unknown>): Promise<Execution> {
  if (!template.Outputs) return exec;
  try {
    const scope = scopeOf(exec, builtins);
    const outputs: Record<string, unknown> = {};
    for (const [k, o] of Object.entries(template.Outputs)) outputs[k] = coerce(await evaluate(o.Value, scope), o.Type);
    return { ...exec, outputs };
  } catch (err) {
    return { ...exec, status: 'Failed', statusMessage: `Outputs: ${(err as Error).message}` };
  }
}
