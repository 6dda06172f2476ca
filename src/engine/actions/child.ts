import { ex, map, name, props, req, text } from '../../template/property-fields.js';
import { t } from '../../i18n/index.js';
import { said, saidBy, type Said } from '../message.js';
import type { Action, ActionContext, BuiltinAction } from './types.js';

/**
 * Runs a template as a child execution and waits for its end; the task's result is the child's
 * Outputs. Used by ACS::Template and by any action that names a template in the store (product
 * actions such as ACS::ECS::RebootInstance, whose Properties are the child's Parameters).
 */
export function childAction(
  resolve: (
    ctx: ActionContext,
  ) => { templateName: string; templateVersion?: string; parameters: Record<string, unknown> } | Said,
): Action {
  return {
    async run(ctx) {
      const { ports, record, execution, task } = ctx;
      let childId = record?.data?.childId as string | undefined;
      if (!childId) {
        const target = resolve(ctx);
        if (!('templateName' in target)) return { kind: 'failed', ...target };
        try {
          childId = (
            await ports.children.start({
              parent: execution,
              taskName: task.Name,
              taskExecutionId: ctx.taskExecutionId,
              index: ctx.loop?.index,
              ...target,
            })
          ).id;
        } catch (err) {
          return { kind: 'failed', ...saidBy(err) };
        }
      }
      const child = await ports.children.get(childId);
      switch (child?.status) {
        case undefined:
          return { kind: 'failed', ...said('actions:childGone', { id: childId }) };
        case 'Success':
          return { kind: 'success', result: child.outputs ?? {} };
        case 'Failed':
          return {
            kind: 'failed',
            ...(child.statusMessage
              ? said('actions:childFailed', { id: childId, cause: child.statusText ?? child.statusMessage })
              : said('actions:childFailedBare', { id: childId })),
          };
        case 'Cancelled':
          return { kind: 'failed', ...said('actions:childCancelled', { id: childId }) };
        default:
          return { kind: 'wait', ...said('actions:waitingForChild', { id: childId }), data: { childId } };
      }
    },
  };
}

/** ACS::Template: a child execution of TemplateName (at TemplateVersion) with Parameters. */
export const templateAction: BuiltinAction = {
  name: 'ACS::Template',
  schema: props({
    TemplateName: req(name),
    TemplateVersion: ex(text),
    Parameters: ex(map),
  }),
  unsupported: {
    TemplateContent: t('en', 'actions:templateContentUnsupported'),
  },
  ...childAction(({ properties }) => {
    if (typeof properties.TemplateName !== 'string') return said('actions:templateNameRequired');
    const parameters = properties.Parameters ?? {};
    if (typeof parameters !== 'object' || Array.isArray(parameters)) return said('actions:parametersNotMap');
    return {
      templateName: properties.TemplateName,
      templateVersion:
        typeof properties.TemplateVersion === 'string' && properties.TemplateVersion
          ? properties.TemplateVersion
          : undefined,
      parameters: parameters as Record<string, unknown>,
    };
  }),
};

/** An action named after a template: its Properties are the child's Parameters. */
export const namedTemplateAction = childAction(({ task, properties }) => ({
  templateName: task.Action,
  parameters: properties,
}));
