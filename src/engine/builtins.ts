import type { Execution } from '../engine/types.js';

/** The `{{ ACS::... }}` variables of an execution. */
export function builtinsFor(
  exec: Pick<Execution, 'id' | 'templateName' | 'templateVersion' | 'owner' | 'regionId'>,
  now: Date,
): Record<string, unknown> {
  return {
    'ACS::RegionId': exec.regionId ?? 'cn-hangzhou',
    // opsgate runs no OOSUtil agent; templates pass this to scripts as a version to download.
    'ACS::OOSUtilVersion': 'latest',
    'ACS::ExecutionId': exec.id,
    'ACS::TemplateName': exec.templateName,
    'ACS::TemplateVersion': exec.templateVersion,
    'ACS::ExecuteUser': exec.owner ?? '',
    'ACS::CurrentUTCTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'ACS::CurrentDate': now.toISOString().slice(0, 10),
  };
}
