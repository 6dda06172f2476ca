import type { Job } from 'bullmq';
import { applyOutcome, nextTask, startTask } from '../engine/advance.js';
import type { Ports } from '../engine/actions/types.js';
import { isTerminal } from '../engine/status.js';
import type { Execution } from '../engine/types.js';
import { builtinsFor } from '../core/builtins.js';
import type { Logger } from '../log.js';
import type { ExecutionStore } from '../store/executions.js';
import type { TemplateStore } from '../store/templates.js';
import { evaluate } from '../template/expressions.js';
import { coerce } from '../template/selector.js';
import type { Template } from '../template/schema.js';
import type { Producer, StepJob } from './producer.js';
import { runTask, scopeOf } from './run-task.js';

export class HeldElsewhereError extends Error {
  constructor(id: string) { super(`execution ${id} is held by another job; will retry`); }
}

export interface ProcessorDeps {
  executions: ExecutionStore;
  templates: TemplateStore;
  producer: Producer;
  ports: Ports;
  log: Logger;
}

/**
 * A step job advances one execution task by task, saving after each, until it ends or waits.
 * A job that finds the execution held by another runner, or already ended, does nothing: that is
 * what makes duplicate and recovered jobs harmless.
 */
export function stepProcessor(deps: ProcessorDeps) {
  const { executions, templates, producer, ports, log } = deps;
  const now = () => new Date(ports.now());

  return async function processStep(job: Job<StepJob>): Promise<string> {
    const runner = job.id!;
    const found = await executions.find(job.data.executionId);
    if (!found || isTerminal(found.status)) return 'nothing to do';
    const { template } = await templates.runnable(found.templateName, found.templateVersion);
    let exec: Execution = { ...found, status: 'Running' };
    if (!(await executions.save(exec, runner))) {
      // Another job is still running it: a resume can arrive before the job that parked the
      // execution has saved it as Waiting. Retry (with backoff) rather than lose the resume.
      if ((await executions.find(found.id))?.status === 'Running') throw new HeldElsewhereError(found.id);
      return 'nothing to do';
    }
    if (found.status === 'Queued') await producer.notify({ kind: 'started', executionId: exec.id });
    const builtins = builtinsFor(exec, now());

    for (;;) {
      const next = nextTask(template, exec);
      if (next.kind === 'end') {
        exec = { ...exec, status: 'Success', endDate: now().toISOString() };
      } else {
        const task = next.task;
        const fresh = !['Running', 'Waiting'].includes(exec.tasks[task.Name]?.status ?? '');
        exec = startTask(exec, task, now().toISOString());
        if (fresh) {
          if (!(await executions.save(exec, runner))) return 'lost the execution';
          await producer.notify({ kind: 'task', executionId: exec.id, task: task.Name, status: 'Running' });
        }
        const outcome = await runTask(exec, task, scopeOf(exec, builtins), ports);
        exec = applyOutcome(template, exec, task, outcome, now().toISOString());
        if (exec.status === 'Success') exec = await withOutputs(template, exec, builtins);
        if (!(await executions.save(exec, runner))) return 'lost the execution';
        const rec = exec.tasks[task.Name]!;
        if (fresh || rec.status !== 'Waiting') {
          await producer.notify({ kind: 'task', executionId: exec.id, task: task.Name, status: rec.status, message: rec.message });
        }
        if (exec.status === 'Waiting') {
          if (outcome.kind === 'wait' && outcome.resumeAt !== undefined) await producer.wake(exec.id, task.Name, outcome.resumeAt);
          return `waiting at ${task.Name}`;
        }
        if (exec.status === 'Running') continue;
      }
      if (next.kind === 'end' && !(await executions.save(exec, runner))) return 'lost the execution';
      await producer.notify({ kind: 'finished', executionId: exec.id });
      log.info({ executionId: exec.id, status: exec.status }, 'execution ended');
      return exec.status;
    }
  };
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
