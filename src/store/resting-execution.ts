import type { Execution, TaskRecord } from '../engine/types.js';
import { render } from '../i18n/index.js';

/**
 * What an execution's document leaves out while it sits deflated (doc-codec.ts): each English message
 * that its catalogue text renders to, which `woken` renders back. A message the text no longer says
 * (the English is the authority) is kept. A waiting run's document: 174 -> 155 B.
 */
export function rested(exec: Execution): Execution {
  const tasks: Record<string, TaskRecord> = {};
  for (const [name, task] of Object.entries(exec.tasks))
    tasks[name] = derivable(task.message, task.text) ? { ...task, message: undefined } : task;
  const out = { ...exec, tasks };
  return derivable(exec.statusMessage, exec.statusText) ? { ...out, statusMessage: undefined } : out;
}

/** A document read back from its resting form: the messages `rested` left out, rendered again. */
export function woken(exec: Execution): Execution {
  for (const task of Object.values(exec.tasks))
    if (task.message === undefined && task.text) task.message = render(task.text, 'en');
  if (exec.statusMessage === undefined && exec.statusText) exec.statusMessage = render(exec.statusText, 'en');
  return exec;
}

const derivable = (message: string | undefined, text: TaskRecord['text']) =>
  message !== undefined && !!text && render(text, 'en') === message;
