import type { Execution } from '../engine/types.js';

/** The `{{ ACS::... }}` variables of an execution. */
export function builtinsFor(
  exec: Pick<Execution, 'id' | 'templateName' | 'templateVersion' | 'owner'>,
  now: Date,
): Record<string, unknown> {
  return {
    'ACS::ExecutionId': exec.id,
    'ACS::TemplateName': exec.templateName,
    'ACS::TemplateVersion': exec.templateVersion,
    'ACS::ExecuteUser': exec.owner ?? '',
    'ACS::CurrentUTCTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'ACS::CurrentDate': now.toISOString().slice(0, 10),
  };
}
