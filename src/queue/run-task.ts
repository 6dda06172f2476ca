import { findAction } from '../engine/actions/registry.js';
import { namedTemplateAction } from '../engine/actions/child.js';
import type { Action, Ports } from '../engine/actions/types.js';
import { parseDuration } from '../engine/actions/sleep.js';
import type { Execution, TaskOutcome, TaskRecord } from '../engine/types.js';
import { evaluate, lookup, truthy, type Scope } from '../template/expressions.js';
import { references } from '../template/references.js';
import { bindScript, SCRIPT_NOT_ONE_STRING } from '../template/shell-script.js';
import type { Task } from '../template/schema.js';
import { select } from '../template/selector.js';
import { JqProgram, jqProgram } from '../template/jq-program.js';

export function scopeOf(exec: Execution, builtins: Scope['builtins']): Scope {
  const outputs: Scope['outputs'] = {};
  for (const [name, rec] of Object.entries(exec.tasks)) if (rec.outputs) outputs[name] = rec.outputs;
  return { parameters: exec.parameters, outputs, builtins };
}

export interface TaskRun {
  exec: Execution;
  task: Task;
  scope: Scope;
  ports: Ports;
  record?: Pick<TaskRecord, 'data' | 'taskExecutionId'>;
  signals: Record<string, unknown>;
  taskExecutionId: string;
  loop?: { item: unknown; index: number };
  /** Whether to check When (the loop task checks it once, not per item). */
  checkWhen?: boolean;
}

/** A task's When: absent or true runs it; false skips it (and the next task runs). */
export async function whenHolds(task: Task, scope: Scope): Promise<boolean> {
  return task.When === undefined || truthy(await evaluate(task.When, scope));
}

async function actionFor(task: Task, ports: Ports): Promise<Action | undefined> {
  return findAction(task.Action) ?? ((await ports.children.exists(task.Action)) ? namedTemplateAction : undefined);
}

/**
 * Runs one task (or one loop item): When, the action with evaluated Properties, the selection of
 * declared Outputs, and task-level Retries. Every failure, a bad expression included, is an
 * outcome, never a thrown error.
 */
export async function runTask(run: TaskRun): Promise<TaskOutcome & { properties?: Record<string, unknown> }> {
  const { exec, task, ports } = run;
  const scope: Scope = run.loop ? { ...run.scope, builtins: { ...run.scope.builtins, 'ACS::TaskLoopItem': run.loop.item } } : run.scope;
  let properties: Record<string, unknown> | undefined;
  try {
    if (run.checkWhen !== false && !(await whenHolds(task, scope))) return { kind: 'skipped' };
    const action = await actionFor(task, ports);
    if (!action) return { kind: 'failed', message: `unknown action ${task.Action}: not a built-in action nor a template in the store` };
    properties = await evaluateProperties(task, scope);
    const result = await action.run({
      execution: exec, task, properties, record: run.record as TaskRecord | undefined, ports, signals: run.signals,
      taskExecutionId: run.taskExecutionId, loop: run.loop,
      idempotencyKey: `${exec.id}/${task.Name}${run.loop ? `/${run.loop.index}` : ''}`,
    });
    if (result.kind === 'failed') return { ...retry(task, run.record?.data, result.message, ports.now()), properties };
    if (result.kind !== 'success') return { ...result, properties };
    const outputs: Record<string, unknown> = {};
    for (const [name, out] of Object.entries(task.Outputs ?? {})) {
      // Written as text, its references reach jq as variables; computed by a function, it is that text.
      const selector = typeof out.ValueSelector === 'string' ? jqProgram(out.ValueSelector, scope) : await evaluate(out.ValueSelector, scope);
      if (typeof selector !== 'string' && !(selector instanceof JqProgram)) return { kind: 'failed', message: `Outputs.${name}.ValueSelector must be jq text`, properties };
      outputs[name] = await select(result.result, selector, out.Type);
    }
    return { kind: 'success', outputs, next: result.next, properties };
  } catch (err) {
    return { kind: 'failed', message: (err as Error).message, properties };
  }
}

async function evaluateProperties(task: Task, scope: Scope): Promise<Record<string, unknown>> {
  const { PropertySelector } = task.Properties;
  if (typeof PropertySelector === 'string') {
    // A PropertySelector is jq code: its references become jq variables (shown filled in on the record).
    const { PropertySelector: _, ...rest } = task.Properties;
    const evaluated = (await evaluate(rest, scope)) as Record<string, unknown>;
    return Object.fromEntries(Object.keys(task.Properties).map((k) => [k, k === 'PropertySelector' ? jqProgram(PropertySelector, scope) : evaluated[k]]));
  }
  if (task.Action.toLowerCase() !== 'opsgate::runshellscript') return (await evaluate(task.Properties, scope)) as Record<string, unknown>;
  // A reference's value reaches the script as a variable, never as its text (shell-script.ts);
  // validate refuses what cannot be placed safely, and so does this, should a template get here.
  const { Script, ...rest } = task.Properties;
  const properties = (await evaluate(rest, scope)) as Record<string, unknown>;
  if (typeof Script !== 'string') {
    if (!references(Script).next().done) throw new Error(SCRIPT_NOT_ONE_STRING);
    return { ...properties, Script: await evaluate(Script, scope) };
  }
  const bound = bindScript(Script, (ref) => lookup(ref, scope));
  return { ...properties, Script: bound.script, ScriptArguments: bound.env };
}

/**
 * Task-level Retries (ACS::WaitFor counts its own): a failed task waits and runs again, the delay
 * by DelayType (Exponential 2^n s by default, Constant Delay, Linear Delay + BackOff*n), at most
 * MaxRetryInterval.
 */
function retry(task: Task, data: Record<string, unknown> | undefined, message: string, now: number): TaskOutcome {
  const retries = Number(task.Retries ?? 0);
  const done = Number(data?.retries ?? 0);
  if (task.Action.toLowerCase() === 'acs::waitfor' || !Number.isFinite(retries) || done >= retries) return { kind: 'failed', message };
  const delay = Number(task.Delay ?? 1);
  const backOff = Number(task.BackOff ?? 1);
  const type = String(task.DelayType ?? 'Exponential');
  let seconds = type === 'Constant' ? delay : type === 'Linear' ? delay + backOff * done : 2 ** done;
  const max = parseDuration(task.MaxRetryInterval ?? '') ?? Number(task.MaxRetryInterval ?? NaN) * 1000;
  if (Number.isFinite(max) && max > 0) seconds = Math.min(seconds, max / 1000);
  return { kind: 'wait', message: `retry ${done + 1} of ${retries} after: ${message}`, data: { ...data, retries: done + 1 }, resumeAt: now + seconds * 1000 };
}
