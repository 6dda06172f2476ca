import { truthy } from '../../template/expressions.js';
import { any, ex, list, name, props, req } from '../../template/property-fields.js';
import type { BuiltinAction } from './types.js';

/**
 * ACS::Choice: the first of Choices whose When holds names the next task, else DefaultTask.
 * The Whens arrive evaluated with the other Properties. Its targets are part of the template's flow
 * (template/validate.ts checks them, the gate reads them).
 */
export const choice: BuiltinAction = {
  name: 'ACS::Choice',
  schema: props({
    DefaultTask: ex(name),
    Choices: req(list(ex(props({ When: req(any), NextTask: req(name) })), 'must be a list of {When, NextTask}')),
  }),
  async run({ properties }) {
    const choices = properties.Choices;
    if (choices !== undefined && !Array.isArray(choices))
      return { kind: 'failed', message: 'Choices must be a list of {When, NextTask}' };
    for (const [i, c] of (choices ?? []).entries()) {
      const { When, NextTask } = (c ?? {}) as { When?: unknown; NextTask?: unknown };
      if (typeof NextTask !== 'string') return { kind: 'failed', message: `Choices[${i}].NextTask must name a task` };
      if (truthy(When)) return { kind: 'success', result: { NextTask }, next: NextTask };
    }
    if (typeof properties.DefaultTask !== 'string')
      return { kind: 'failed', message: 'no choice holds and DefaultTask is not set' };
    return { kind: 'success', result: { NextTask: properties.DefaultTask }, next: properties.DefaultTask };
  },
};
