import { truthy } from '../../template/expressions.js';
import { any, ex, list, name, props, req } from '../../template/property-fields.js';
import { t } from '../../i18n/index.js';
import { said } from '../message.js';
import type { BuiltinAction } from './types.js';

/**
 * ACS::Choice: the first of Choices whose When holds names the next task, else DefaultTask.
 * The Whens arrive evaluated with the other Properties. Its targets are part of the template's flow
 * (template/validate.ts checks them, the gate reads them).
 */
export const choice: BuiltinAction = {
  name: 'ACS::Choice',
  local: true,
  schema: props({
    DefaultTask: ex(name),
    Choices: req(list(ex(props({ When: req(any), NextTask: req(name) })), t('en', 'actions:choicesList'))),
  }),
  async run({ properties }) {
    const choices = properties.Choices;
    if (choices !== undefined && !Array.isArray(choices)) return { kind: 'failed', ...said('actions:choicesNotList') };
    for (const [i, c] of (choices ?? []).entries()) {
      const { When, NextTask } = (c ?? {}) as { When?: unknown; NextTask?: unknown };
      if (typeof NextTask !== 'string') return { kind: 'failed', ...said('actions:nextTaskNotName', { index: i }) };
      if (truthy(When)) return { kind: 'success', result: { NextTask }, next: NextTask };
    }
    if (typeof properties.DefaultTask !== 'string') return { kind: 'failed', ...said('actions:noChoiceHolds') };
    return { kind: 'success', result: { NextTask: properties.DefaultTask }, next: properties.DefaultTask };
  },
};
