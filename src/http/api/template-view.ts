import type { StoredTemplate } from '../../store/templates.js';
import { isStateTemplate } from '../../template/schema.js';
import { pythonJson } from './python-json.js';

const TRIGGERS: Record<string, string> = {
  'acs::timertrigger': 'TimerTrigger',
  'acs::eventtrigger': 'EventTrigger',
  'acs::alarmtrigger': 'AlarmTrigger',
};

/** Other | TimerTrigger | EventTrigger | AlarmTrigger, from the template's trigger task. */
export function category(t: StoredTemplate): string {
  if (isStateTemplate(t.template)) return 'Other';
  for (const task of t.template.Tasks) {
    const c = TRIGGERS[task.Action.toLowerCase()];
    if (c) return c;
  }
  return 'Other';
}

/** The `Template` object of GetTemplate, field by field as OOS answers it. */
export function templateView(t: StoredTemplate): Record<string, unknown> {
  const d = t.template.Description;
  return {
    Hash: t.hash,
    UpdatedDate: t.meta.updatedDate,
    UpdatedBy: t.meta.updatedBy,
    TemplateType: isStateTemplate(t.template) ? 'State' : 'Automation',
    Tags: t.meta.tags,
    TemplateName: t.name,
    TemplateVersion: t.version,
    TemplateFormat: t.format,
    Description: d === undefined ? '' : typeof d === 'string' ? d : pythonJson(d),
    ...(t.meta.resourceGroupId ? { ResourceGroupId: t.meta.resourceGroupId } : {}),
    CreatedBy: t.meta.createdBy,
    CreatedDate: t.meta.createdDate,
    VersionName: t.versionName,
    TemplateId: t.meta.templateId,
    HasTrigger: category(t) !== 'Other',
    ShareType: t.meta.shareType,
  };
}

/** A ListTemplates entry: the metadata plus the counts and category OOS lists. */
export function listedView(t: StoredTemplate): Record<string, unknown> {
  return {
    ...templateView(t),
    Category: category(t),
    TotalExecutionCount: t.executionCount,
    Popularity: t.executionCount,
  };
}
