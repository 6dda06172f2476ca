import { ex, map, name, props, req, text } from '../../template/property-fields.js';
import type { Action, ActionContext, BuiltinAction } from './types.js';

/**
 * Runs a template as a child execution and waits for its end; the task's result is the child's
 * Outputs. Used by ACS::Template and by any action that names a template in the store (product
 * actions such as ACS::ECS::RebootInstance, whose Properties are the child's Parameters).
 */
export function childAction(
  resolve: (
    ctx: ActionContext,
  ) => { templateName: string; templateVersion?: string; parameters: Record<string, unknown> } | string,
): Action {
  return {
    async run(ctx) {
      const { ports, record, execution, task } = ctx;
      let childId = record?.data?.childId as string | undefined;
      if (!childId) {
        const target = resolve(ctx);
        if (typeof target === 'string') return { kind: 'failed', message: target };
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
          return { kind: 'failed', message: (err as Error).message };
        }
      }
      const child = await ports.children.get(childId);
      switch (child?.status) {
        case undefined:
          return { kind: 'failed', message: `child execution ${childId} is gone` };
        case 'Success':
          return { kind: 'success', result: child.outputs ?? {} };
        case 'Failed':
          return {
            kind: 'failed',
            message: `child execution ${childId} failed${child.statusMessage ? `: ${child.statusMessage}` : ''}`,
          };
        case 'Cancelled':
          return { kind: 'failed', message: `child execution ${childId} was cancelled` };
        default:
          return { kind: 'wait', message: `waiting for child execution ${childId}`, data: { childId } };
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
    TemplateContent: 'opsgate runs templates from the store: create it and give its TemplateName',
  },
  ...childAction(({ properties }) => {
    if (typeof properties.TemplateName !== 'string') return 'TemplateName must name a template';
    const parameters = properties.Parameters ?? {};
    if (typeof parameters !== 'object' || Array.isArray(parameters)) return 'Parameters must be a map';
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
