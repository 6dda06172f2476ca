import { findAction } from '../engine/actions/registry.js';
import type { Ports } from '../engine/actions/types.js';
import type { Execution, TaskOutcome } from '../engine/types.js';
import { evaluate, truthy, type Scope } from '../template/expressions.js';
import type { Task } from '../template/schema.js';
import { select } from '../template/selector.js';

export function scopeOf(exec: Execution, builtins: Scope['builtins']): Scope {
  const outputs: Scope['outputs'] = {};
  for (const [name, rec] of Object.entries(exec.tasks)) if (rec.outputs) outputs[name] = rec.outputs;
  return { parameters: exec.parameters, outputs, builtins };
}

/**
 * Runs one task: its When, its action with resolved Properties, and the selection of its declared
 * Outputs. Every failure, bad expression included, becomes a failed outcome, never a thrown error.
 */
export async function runTask(exec: Execution, task: Task, scope: Scope, ports: Ports): Promise<TaskOutcome> {
  try {
    if (task.When !== undefined && !truthy(await evaluate(task.When, scope))) return { kind: 'skipped' };
    if (task.Loop) return { kind: 'failed', message: 'Loop is not supported yet' };
    const action = findAction(task.Action);
    if (!action) return { kind: 'failed', message: `unknown action ${task.Action}` };
    const properties = (await evaluate(task.Properties, scope)) as Record<string, unknown>;
    const result = await action.run({
      execution: exec, task, properties, record: exec.tasks[task.Name], ports,
      idempotencyKey: `${exec.id}/${task.Name}`,
    });
    if (result.kind !== 'success') return result;
    const outputs: Record<string, unknown> = {};
    for (const [name, out] of Object.entries(task.Outputs ?? {})) {
      const selector = await evaluate(out.ValueSelector, scope);
      if (typeof selector !== 'string') return { kind: 'failed', message: `Outputs.${name}.ValueSelector must be jq text` };
      outputs[name] = await select(result.result, selector, out.Type);
    }
    return { kind: 'success', outputs };
  } catch (err) {
    return { kind: 'failed', message: (err as Error).message };
  }
}
