import { builtinsFor } from '../engine/builtins.js';
import { itemAfter, itemCancelled, itemEndedAs, newItem } from '../engine/loop-task.js';
import { isTerminal } from '../engine/status.js';
import { kick, reportItem } from './loop-driver.js';
import type { ProcessorDeps } from './processor.js';
import { runTask, scopeOf } from './run-task.js';

/**
 * One loop item: runs the loop task's action for ACS::TaskLoopItem, keeps the record engine/loop-task.ts
 * makes of its outcome, and advances the loop. An item that already ended (a job run again after a
 * crash) is only reported again, which the loop state ignores when it has counted it.
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
  // i18n-exempt: a job's result, read by operators on the queue dashboard as they read log lines
  if (!exec || !doc) return 'nothing to do';
  // Counted already (a job run again after a crash): only queue again what the count led to.
  if (doc.state.ended[index] !== undefined) {
    await kick(deps, executionId, te, doc.state);
    // i18n-exempt: a job's result, for operators
    return `item ${index} was counted`;
  }
  let rec = (await loops.item(executionId, te, index)) ?? newItem(te, index, doc.items[index], ports.now());
  if (isTerminal(exec.status)) rec = itemCancelled(rec, exec.status, ports.now());
  else if (!itemEndedAs(rec)) {
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
    const next = itemAfter(task, rec, ran, ports.now());
    rec = next.record;
    if (!next.ended) {
      await loops.putItem(executionId, te, rec);
      if (next.resumeAt !== undefined)
        await deps.producer.item(executionId, te, index, `at-${next.resumeAt}`, next.resumeAt);
      return `item ${index} waiting`;
    }
  }
  await loops.putItem(executionId, te, rec);
  await reportItem(deps, executionId, te, index, itemEndedAs(rec)!);
  return `item ${index} ${rec.status}`;
}
