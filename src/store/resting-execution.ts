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
  message !== undefined && !!text && english(text) === message;

/**
 * A text in English, the last few hundred remembered: a waiting run's are few and the same at every
 * save and read (`waiting for approval 12`), and the catalogue's formatting is the costly part.
 */
const rendered = new Map<string, string>();
function english(text: NonNullable<TaskRecord['text']>): string {
  const id = JSON.stringify(text);
  const known = rendered.get(id);
  if (known !== undefined) return known;
  const out = render(text, 'en');
  if (id.length <= 1000) {
    if (rendered.size >= 500) rendered.delete(rendered.keys().next().value!);
    rendered.set(id, out);
  }
  return out;
}
