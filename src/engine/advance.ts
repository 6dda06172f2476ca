import type { Task, Template } from '../template/schema.js';
import { inner, said, type Said } from './message.js';
import type { Execution, TaskOutcome, TaskRecord } from './types.js';

/**
 * The deterministic core: which task comes next, and the execution after a task's outcome.
 * No I/O; the worker runs what this decides and saves what it returns.
 */
export type Next = { kind: 'run'; task: Task } | { kind: 'end' };

/** The approval an approval policy asks for, run as a task before the template's first. */
export const GATE = 'opsgate:policy';

export function gateTask(exec: Execution): Task | undefined {
  if (!exec.gate || exec.tasks[GATE]?.status === 'Success') return undefined;
  if (exec.current !== undefined && exec.current !== GATE) return undefined;
  return { Name: GATE, Action: 'ACS::Approve', Properties: exec.gate } as Task;
}

export function nextTask(template: Template, exec: Execution): Next {
  const gate = gateTask(exec);
  if (gate) return { kind: 'run', task: gate };
  const name = exec.current ?? exec.startAt ?? template.Tasks[0]?.Name;
  const task = template.Tasks.find((t) => t.Name === name);
  return task ? { kind: 'run', task } : { kind: 'end' };
}

/** Where a jump leads: a task name, the next in list order, or the end (undefined). */
export function jumpTarget(template: Template, from: Task, jump: string | undefined): string | undefined {
  if (jump === 'ACS::END') return undefined;
  if (jump && jump !== 'ACS::NEXT') return jump;
  const i = template.Tasks.findIndex((t) => t.Name === from.Name);
  return template.Tasks[i + 1]?.Name;
}

export function applyOutcome(
  template: Template,
  exec: Execution,
  task: Task,
  outcome: TaskOutcome,
  now: string,
): Execution {
  const prev = exec.tasks[task.Name]!;
  const base: TaskRecord = { ...prev, action: task.Action, startDate: prev.startDate ?? now, endDate: now };
  const next: Execution = { ...exec, updateDate: now, tasks: { ...exec.tasks } };
  switch (outcome.kind) {
    case 'success':
    case 'skipped': {
      next.tasks[task.Name] =
        outcome.kind === 'success'
          ? {
              ...base,
              status: 'Success',
              message: undefined,
              text: undefined,
              outputs: outcome.outputs,
              loop: outcome.loop ?? prev.loop,
            }
          : { ...base, status: 'Skipped', message: undefined, text: undefined };
      // A skipped task goes on in list order; a Choice names where to go.
      const jump = outcome.kind === 'skipped' ? 'ACS::NEXT' : (outcome.next ?? task.OnSuccess);
      next.current = jumpTarget(template, task, jump);
      next.statusMessage = undefined;
      next.statusText = undefined;
      if (!next.current) return { ...next, status: 'Success', endDate: now };
      return { ...next, status: 'Running' };
    }
    case 'failed': {
      next.tasks[task.Name] = { ...base, status: 'Failed', ...told(outcome), loop: outcome.loop ?? prev.loop };
      const failure = said('engine:taskFailed', { task: task.Name, cause: inner(outcome) });
      if (task.OnError === undefined) {
        if (exec.mode === 'FailurePause') {
          // Suspend on failure: RetryTask or SkipTask decides, through NotifyExecution.
          return {
            ...next,
            status: 'Waiting',
            ...status(said('engine:waitingForRetryOrSkip', { failure: failure.text })),
            current: task.Name,
          };
        }
        return { ...next, status: 'Failed', ...status(failure), endDate: now, current: task.Name };
      }
      next.current = jumpTarget(template, task, task.OnError);
      if (!next.current) return { ...next, status: 'Failed', ...status(failure), endDate: now };
      return { ...next, status: 'Running' };
    }
    case 'wait':
      next.tasks[task.Name] = {
        ...prev,
        status: outcome.running ? 'Running' : 'Waiting',
        ...told(outcome),
        data: outcome.data,
      };
      return {
        ...next,
        status: outcome.running ? 'Running' : 'Waiting',
        ...status(outcome),
        current: task.Name,
      };
    case 'cancel':
      next.tasks[task.Name] = { ...base, status: 'Cancelled', ...told(outcome) };
      return { ...next, status: 'Cancelled', ...status(outcome), endDate: now, current: task.Name };
  }
}

/** A task record's message: the English and, when there is one, its text (a stale text never stays). */
export function told(s: Said): Pick<TaskRecord, 'message' | 'text'> {
  return { message: s.message, text: s.text };
}

/** An execution's status message, as `told`. */
export function status(s: Said): Pick<Execution, 'statusMessage' | 'statusText'> {
  return { statusMessage: s.message, statusText: s.text };
}

/** Marks a task as started (kept across its waits); a task run again later gets a new id. */
export function startTask(exec: Execution, task: Task, now: string, taskExecutionId: string): Execution {
  const prev = exec.tasks[task.Name];
  if (prev?.status === 'Waiting' || prev?.status === 'Running')
    return { ...exec, status: 'Running', current: task.Name };
  return {
    ...exec,
    status: 'Running',
    current: task.Name,
    updateDate: now,
    tasks: { ...exec.tasks, [task.Name]: { taskExecutionId, status: 'Running', action: task.Action, startDate: now } },
  };
}

/** Execution Counters as OOS reports them. */
export function counters(exec: Execution): Record<string, number> {
  const c: Record<string, number> = {
    Total: 0,
    Success: 0,
    Failed: 0,
    Running: 0,
    Waiting: 0,
    Cancelled: 0,
    Skipped: 0,
  };
  for (const t of Object.values(exec.tasks)) {
    c.Total!++;
    c[t.status] = (c[t.status] ?? 0) + 1;
  }
  return c;
}
