import type { Task, Template } from '../template/schema.js';
import type { Execution, TaskOutcome } from './types.js';

/**
 * The deterministic core: which task comes next, and the execution after a task's outcome.
 * No I/O; the worker runs what this decides and saves what it returns.
 */
export type Next = { kind: 'run'; task: Task } | { kind: 'end' };

export function nextTask(template: Template, exec: Execution): Next {
  const name = exec.current ?? template.Tasks[0]?.Name;
  const task = template.Tasks.find((t) => t.Name === name);
  return task ? { kind: 'run', task } : { kind: 'end' };
}

/** Where a jump leads: a task name, the next in list order, or the end (undefined). */
function target(template: Template, from: Task, jump: string | undefined): string | undefined {
  if (jump === 'ACS::END') return undefined;
  if (jump && jump !== 'ACS::NEXT') return jump;
  const i = template.Tasks.findIndex((t) => t.Name === from.Name);
  return template.Tasks[i + 1]?.Name;
}

export function applyOutcome(template: Template, exec: Execution, task: Task, outcome: TaskOutcome, now: string): Execution {
  const prev = exec.tasks[task.Name];
  const base = { action: task.Action, startDate: prev?.startDate ?? now, endDate: now };
  const next: Execution = { ...exec, updateDate: now, tasks: { ...exec.tasks } };
  switch (outcome.kind) {
    case 'success':
    case 'skipped': {
      next.tasks[task.Name] = outcome.kind === 'success'
        ? { ...base, status: 'Success', outputs: outcome.outputs, data: prev?.data }
        : { ...base, status: 'Skipped' };
      next.current = target(template, task, task.OnSuccess);
      next.statusMessage = undefined;
      if (!next.current) return { ...next, status: 'Success', endDate: now };
      return { ...next, status: 'Running' };
    }
    case 'failed': {
      next.tasks[task.Name] = { ...base, status: 'Failed', message: outcome.message, data: prev?.data };
      const message = `task ${task.Name} failed: ${outcome.message}`;
      if (task.OnError === undefined || task.OnError === 'ACS::END') {
        return { ...next, status: 'Failed', statusMessage: message, endDate: now, current: task.Name };
      }
      next.current = target(template, task, task.OnError);
      if (!next.current) return { ...next, status: 'Failed', statusMessage: message, endDate: now };
      return { ...next, status: 'Running' };
    }
    case 'wait':
      next.tasks[task.Name] = { action: task.Action, startDate: base.startDate, status: 'Waiting', message: outcome.message, data: outcome.data };
      return { ...next, status: 'Waiting', statusMessage: outcome.message, current: task.Name };
    case 'cancel':
      next.tasks[task.Name] = { ...base, status: 'Cancelled', message: outcome.message, data: prev?.data };
      return { ...next, status: 'Cancelled', statusMessage: outcome.message, endDate: now, current: task.Name };
  }
}

/** Marks a task as started (kept across its waits). */
export function startTask(exec: Execution, task: Task, now: string): Execution {
  const prev = exec.tasks[task.Name];
  if (prev?.status === 'Waiting' || prev?.status === 'Running') return { ...exec, status: 'Running', current: task.Name };
  return {
    ...exec, status: 'Running', current: task.Name, updateDate: now,
    tasks: { ...exec.tasks, [task.Name]: { status: 'Running', action: task.Action, startDate: now } },
  };
}
