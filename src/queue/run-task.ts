import { findAction } from '../engine/actions/registry.js';
import { namedTemplateAction } from '../engine/actions/child.js';
import type { Action, Ports } from '../engine/actions/types.js';
import type { RunOutcome } from '../engine/step.js';
import { inner, said, saidBy } from '../engine/message.js';
import type { Execution, TaskRecord } from '../engine/types.js';
import type { Msg } from '../i18n/index.js';
import { evaluate, truthy, type Scope } from '../template/expressions.js';
import type { Task, Template } from '../template/schema.js';
import { coerce, select } from '../template/selector.js';
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
 * declared Outputs. Every failure, a bad expression included, is an outcome, never a thrown error;
 * whether a failure is retried is the engine's decision (step.ts).
 */
export async function runTask(run: TaskRun): Promise<RunOutcome> {
  const { exec, task, ports } = run;
  const scope: Scope = run.loop
    ? { ...run.scope, builtins: { ...run.scope.builtins, 'ACS::TaskLoopItem': run.loop.item } }
    : run.scope;
  let properties: Record<string, unknown> | undefined;
  try {
    if (run.checkWhen !== false && !(await whenHolds(task, scope))) return { kind: 'skipped' };
    const action = await actionFor(task, ports);
    if (!action) return { kind: 'failed', ...said('engine:unknownAction', { action: task.Action }) };
    properties = await evaluateProperties(task, action, scope);
    const result = await action.run({
      execution: exec,
      task,
      properties,
      record: run.record as TaskRecord | undefined,
      ports,
      signals: run.signals,
      taskExecutionId: run.taskExecutionId,
      loop: run.loop,
      idempotencyKey: `${exec.id}/${task.Name}${run.loop ? `/${run.loop.index}` : ''}`,
    });
    // Task Retries are the engine's to decide (engine/retry.ts), unless the action counts its own.
    if (result.kind === 'failed') {
      return { ...result, properties, ...(action.retries === false ? {} : { retryable: true }) };
    }
    if (result.kind !== 'success') return { ...result, properties };
    const outputs: Record<string, unknown> = {};
    for (const [name, out] of Object.entries(task.Outputs ?? {})) {
      // Written as text, its references reach jq as variables; computed by a function, it is that text.
      const selector =
        typeof out.ValueSelector === 'string'
          ? jqProgram(out.ValueSelector, scope)
          : await evaluate(out.ValueSelector, scope);
      if (typeof selector !== 'string' && !(selector instanceof JqProgram))
        return { kind: 'failed', ...said('engine:valueSelectorNotJq', { output: name }), properties };
      outputs[name] = await select(result.result, selector, out.Type);
    }
    return { kind: 'success', outputs, next: result.next, properties };
  } catch (err) {
    return { kind: 'failed', ...saidBy(err), properties };
  }
}

async function evaluateProperties(task: Task, action: Action, scope: Scope): Promise<Record<string, unknown>> {
  const { PropertySelector } = task.Properties;
  if (typeof PropertySelector === 'string') {
    // A PropertySelector is jq code: its references become jq variables (shown filled in on the record).
    const { PropertySelector: _, ...rest } = task.Properties;
    const evaluated = (await evaluate(rest, scope)) as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(task.Properties).map((k) => [
        k,
        k === 'PropertySelector' ? jqProgram(PropertySelector, scope) : evaluated[k],
      ]),
    );
  }
  // An action that places values itself (a shell script's arguments) evaluates its own Properties.
  if (action.evaluateProperties) return action.evaluateProperties(task.Properties, scope);
  return (await evaluate(task.Properties, scope)) as Record<string, unknown>;
}

/** The template's Outputs on a finished run, or the error that stopped them. */
export async function evaluateOutputs(
  template: Template,
  scope: Scope,
): Promise<{ outputs?: Record<string, unknown>; error?: Msg | string }> {
  try {
    const outputs: Record<string, unknown> = {};
    for (const [k, o] of Object.entries(template.Outputs ?? {})) {
      outputs[k] = coerce(await evaluate(o.Value, scope), o.Type);
    }
    return { outputs };
  } catch (err) {
    return { error: inner(saidBy(err)) };
  }
}
