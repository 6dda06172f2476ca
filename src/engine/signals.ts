import { nextTask } from './advance.js';
import { type GateVerdict, mayComplete, mayJump, maySkip, mayStart } from './gate.js';
import type { Msg } from '../i18n/index.js';
import type { Template } from '../template/schema.js';
import { said } from './message.js';
import type { Execution } from './types.js';

/** NotifyExecution's words that steer a run (Approve and Reject are votes: see core/approval-service.ts). */
export type SteeringWord = 'ExecuteTask' | 'CancelTask' | 'CompleteExecution' | 'RetryTask' | 'SkipTask';

export type SignalDecision =
  | { kind: 'signal'; name: 'execute' | 'skip' | 'retry'; value: unknown }
  | { kind: 'complete'; status: 'Success' | 'Failed' | 'Cancelled' }
  /** `gate`: the word would pass an approval; `status`: the run is not in a state the word is for. */
  | { kind: 'refused'; reason: 'gate' | 'status'; message: string; text: Msg };

/**
 * Whether a NotifyExecution word may steer this execution now, and what it becomes. The API asks
 * before it records the word; the driver asks the gate again when it acts on it (gate.ts).
 */
export function decideSignal(
  template: Template,
  exec: Execution,
  word: SteeringWord,
  args: { taskName?: string; status?: 'Success' | 'Failed' | 'Cancelled' } = {},
): SignalDecision {
  const status = (...m: Parameters<typeof said>): SignalDecision => ({
    kind: 'refused',
    reason: 'status',
    ...said(...m),
  });
  const gated = (v: GateVerdict, then: SignalDecision): SignalDecision =>
    v.ok ? then : { kind: 'refused', reason: 'gate', message: v.message, text: v.text };
  const debugOnly = { word, mode: 'Debug' };
  const here = nextTask(template, exec);
  const current = here.kind === 'run' ? here.task.Name : undefined;
  switch (word) {
    case 'ExecuteTask': {
      if (exec.mode !== 'Debug') return status('engine:wordNeedsMode', debugOnly);
      const target = args.taskName ?? current;
      if (!target) return status('engine:noTaskLeft', { id: exec.id });
      const verdict = target === current ? mayStart(template, exec, target) : mayJump(template, exec, target);
      return gated(verdict, { kind: 'signal', name: 'execute', value: { TaskName: args.taskName } });
    }
    case 'CancelTask':
      if (exec.mode !== 'Debug') return status('engine:wordNeedsMode', debugOnly);
      if (!current) return status('engine:noTaskToCancel', { id: exec.id });
      return gated(maySkip(template, exec, current), { kind: 'signal', name: 'skip', value: true });
    case 'CompleteExecution': {
      if (exec.mode !== 'Debug') return status('engine:wordNeedsMode', debugOnly);
      const to = args.status ?? 'Success';
      return gated(mayComplete(template, exec, to), { kind: 'complete', status: to });
    }
    case 'RetryTask':
    case 'SkipTask':
      if (!exec.pausedOnFailure || !current) return status('engine:noFailedTaskWaiting', { id: exec.id });
      if (word === 'RetryTask') return { kind: 'signal', name: 'retry', value: true };
      return gated(maySkip(template, exec, current), { kind: 'signal', name: 'skip', value: true });
  }
}
