import type { MessageKey, Values } from '../../i18n/index.js';
import type { Problem } from '../../template/validate.js';
import { said } from '../message.js';

/**
 * A problem of an action's Properties (its `needs`), from the catalogue: the English, and the Msg as
 * `text` for readers of other languages (it becomes TemplateProblem.text).
 */
export function problem(path: Problem['path'], key: MessageKey, values?: Values): Problem {
  const { message, text } = said(key, values);
  // Assigned apart: a Problem that does not declare `text` yet still carries it to the template's problems.
  return Object.assign({ path, message }, { text });
}
