import { retryOrFail } from '../engine/retry.js';
import { isTerminal } from '../engine/status.js';
import { builtinsFor } from '../engine/builtins.js';
import type { ItemRecord } from '../store/loops.js';
import { kick, reportItem } from './loop-driver.js';
import type { ProcessorDeps } from './processor.js';
import { runTask, scopeOf } from './run-task.js';

const FINAL = new Set(['Success', 'Failed', 'Cancelled']);

/**
 * One loop item: runs the loop task's action for ACS::TaskLoopItem, records the item, and advances
 * the loop. An item that already ended (a job run again after a crash) is only reported again,
 * which the loop state ignores when it has counted it.
 */
export async function runItem(
  deps: ProcessorDeps,
  data: { executionId: string; taskExecutionId: string; index: number },
  now: () => Date,
): Promise<string> {
  const { executions, templates, loops, ports } = deps;
  const { executionId, taskExecutionId: te, index } = data;
  const exec = await executions.find(executionId);
  const doc = await loops.get(executionId, te);
  if (!exec || !doc) return 'nothing to do';
  // Counted already (a job run again after a crash): only queue again what the count led to.
  if (doc.state.ended[index] !== undefined) {
    await kick(deps, executionId, te, doc.state);
    return `item ${index} was counted`;
  }
  let rec: ItemRecord = (await loops.item(executionId, te, index)) ?? {
    index,
    item: doc.items[index],
    taskExecutionId: `${te}-${index}`,
    status: 'Running',
    startDate: now().toISOString(),
  };
  if (isTerminal(exec.status)) {
    rec = { ...rec, status: 'Cancelled', message: `execution ${exec.status}`, endDate: now().toISOString() };
  } else if (!FINAL.has(rec.status)) {
    await loops.putItem(executionId, te, rec);
    const { template } = await templates.runnable(exec.templateName, exec.templateVersion);
    const task = template.Tasks.find((t) => t.Name === doc.taskName)!;
    const ran = await runTask({
      exec,
      task,
      scope: scopeOf(exec, builtinsFor(exec, now())),
      ports,
      record: rec,
      signals: {},
      // The loop task's id with the index names this item to whatever resumes it (a child's end).
      taskExecutionId: te,
      loop: { item: doc.items[index], index },
      checkWhen: false,
    });
    const outcome = retryOrFail(task, rec.data, ran, ports.now());
    if (outcome.kind === 'wait') {
      await loops.putItem(executionId, te, {
        ...rec,
        status: 'Waiting',
        message: outcome.message,
        data: outcome.data,
        properties: outcome.properties,
      });
      if (outcome.resumeAt !== undefined)
        await deps.producer.item(executionId, te, index, `at-${outcome.resumeAt}`, outcome.resumeAt);
      return `item ${index} waiting`;
    }
    const status =
      outcome.kind === 'success' || outcome.kind === 'skipped'
        ? 'Success'
        : outcome.kind === 'failed'
          ? 'Failed'
          : 'Cancelled';
    rec = {
      ...rec,
      status,
      endDate: now().toISOString(),
      properties: outcome.properties,
      ...(outcome.kind === 'success' ? { outputs: outcome.outputs, message: undefined } : {}),
      ...(outcome.kind === 'failed' || outcome.kind === 'cancel' ? { message: outcome.message } : {}),
    };
  }
  await loops.putItem(executionId, te, rec);
  await reportItem(deps, executionId, te, index, rec.status as 'Success' | 'Failed' | 'Cancelled');
  return `item ${index} ${rec.status}`;
}
