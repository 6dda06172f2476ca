import { counters } from '../../engine/advance.js';
import type { Execution, TaskRecord } from '../../engine/types.js';
import type { ItemRecord } from '../../engine/loop-task.js';
import { oosDate } from '../../store/templates.js';
import type { Masker } from '../../engine/mask.js';

const date = (d?: string) => (d ? oosDate(new Date(d)) : undefined);

/** An execution as OOS's ListExecutions answers it; NoEcho values and credentials masked. */
export function executionView(e: Execution, mask: Masker, children: number): Record<string, unknown> {
  const current = Object.entries(e.tasks)
    .filter(([, t]) => t.status === 'Running' || t.status === 'Waiting')
    .map(([name, t]) => ({ TaskName: name, TaskAction: t.action, TaskExecutionId: t.taskExecutionId }));
  return {
    ExecutionId: e.id,
    TemplateName: e.templateName,
    TemplateVersion: e.templateVersion,
    Mode: e.mode,
    LoopMode: e.loopMode ?? 'Automatic',
    Parameters: mask.parameters(e.parameters),
    Outputs: JSON.stringify(mask.value(e.outputs ?? {})),
    Status: e.status,
    StatusMessage: mask.text(e.statusMessage ?? ''),
    Counters: counters(e),
    CurrentTasks: current,
    ParentExecutionId: e.parent?.executionId ?? '',
    IsParent: children > 0,
    ExecutedBy: e.owner ?? '',
    StartDate: date(e.createDate),
    EndDate: date(e.endDate) ?? '',
    CreateDate: date(e.createDate),
    UpdateDate: date(e.updateDate),
    Tags: e.tags ?? {},
    Description: mask.text(e.description ?? ''),
    Category: 'Other',
  };
}

/** A task execution as ListTaskExecutions answers it, masked; a loop item names its loop task. */
export function taskExecutionView(
  execId: string,
  name: string,
  t: TaskRecord | (ItemRecord & { action: string }),
  mask: Masker,
  parent?: string,
): Record<string, unknown> {
  const item = 'index' in t ? t : undefined;
  return {
    TaskExecutionId: t.taskExecutionId,
    ExecutionId: execId,
    TaskName: name,
    TaskAction: t.action,
    Properties: JSON.stringify(mask.value(t.properties ?? {})),
    Outputs: JSON.stringify(mask.value(t.outputs ?? {})),
    Status: t.status,
    StatusMessage: mask.text(t.message ?? ''),
    StartDate: date(t.startDate),
    EndDate: date(t.endDate) ?? '',
    CreateDate: date(t.startDate),
    UpdateDate: date(t.endDate ?? t.startDate),
    ChildExecutionId: (t.data?.childId as string | undefined) ?? '',
    ParentTaskExecutionId: parent ?? '',
    LoopItem: item ? mask.text(typeof item.item === 'string' ? item.item : (JSON.stringify(item.item) ?? '')) : '',
    ...('loop' in t && t.loop ? { Loop: t.loop } : {}),
    ExtraData: t.data?.ticketId ? { TicketId: t.data.ticketId } : {},
  };
}
