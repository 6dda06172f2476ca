import { z } from 'zod';
import type { Directory } from '../../config/directory.js';
import type { ApprovalService } from '../../core/approval-service.js';
import type { Executions } from '../../core/executions.js';
import type { Permissions } from '../../core/permissions.js';
import type { Triggers } from '../../core/triggers.js';
import { executionMasker, type Masker } from '../../engine/mask.js';
import { isTerminal } from '../../engine/status.js';
import type { Execution } from '../../engine/types.js';
import { ForbiddenError, InvalidStatusError } from '../../errors.js';
import { msg, t } from '../../i18n/index.js';
import type { ExecutionStore } from '../../store/executions.js';
import type { History } from '../../core/history.js';
import type { TemplateStore } from '../../store/templates.js';
import { executionId, listExecutionsInput, listExecutionsPage, type ListArchive } from './execution-list.js';
import { executionView, taskExecutionView } from './execution-view.js';
import { count, flag, jsonMap, text } from './input.js';
import { says } from './message.js';
import { page, sortBy } from './paging.js';
import { defineAction, type ApiAction } from './router.js';

export interface ExecutionApiDeps {
  executions: Executions;
  store: ExecutionStore;
  /** Runs wherever they are: Redis, or the archive once retention moved them. */
  history: History;
  archive?: ListArchive;
  templates: TemplateStore;
  approvals: ApprovalService;
  directory: Directory;
  triggers: Triggers;
  permissions: Permissions;
}

const params = jsonMap(z.unknown());
const EXACT_START = '__start';
const EXACT_END = '__end';
const exact = (v: Record<string, unknown>, r: { startDate: string; endDate?: string }) => ({
  ...v,
  [EXACT_START]: r.startDate,
  [EXACT_END]: r.endDate ?? '',
});

/** Executions through OOS's execution API. */
export function executionActions(d: ExecutionApiDeps): Record<string, ApiAction> {
  const maskerOf = async (e: Execution): Promise<Masker> =>
    executionMasker(e, (await d.templates.get(e.templateName, e.templateVersion).catch(() => undefined))?.template);
  const view = async (e: Execution) => executionView(e, await maskerOf(e), (await d.history.children(e.id)).length);

  return {
    StartExecution: defineAction({
      input: z.object({
        TemplateName: text(200),
        TemplateVersion: z
          .string()
          .regex(/^v\d{1,3}$/, says('api:mustBeVersion'))
          .optional(),
        Parameters: params.default({}),
        Mode: z.enum(['Automatic', 'Debug', 'FailurePause']).default('Automatic'),
        LoopMode: z.enum(['Automatic', 'FirstBatchPause', 'EveryBatchPause']).optional(),
        ClientToken: text(64).optional(),
        Description: text(200).optional(),
        Tags: jsonMap(z.string()).optional(),
        SafetyCheck: z.enum(['Skip', 'ConfirmEveryHighRiskAction']).optional(),
      }),
      async run(i, ctx) {
        if (i.ClientToken) {
          const seen = await d.store.clientTokenOwner(ctx.user, i.ClientToken);
          if (seen) return { Execution: await view(await d.store.get(seen)) };
        }
        const exec = await d.executions.start({
          templateName: i.TemplateName,
          templateVersion: i.TemplateVersion,
          parameters: i.Parameters,
          owner: ctx.user,
          origin: { platform: 'api' },
          mode: i.Mode,
          loopMode: i.LoopMode,
          description: i.Description,
          tags: i.Tags,
          beforeQueue: i.ClientToken ? async (id) => d.store.claimClientToken(ctx.user, i.ClientToken!, id) : undefined,
        });
        return { Execution: await view(await d.store.get(exec.id)) };
      },
    }),

    ListExecutions: defineAction({
      input: listExecutionsInput,
      async run(i) {
        const { items, next } = await listExecutionsPage(d.store, i, undefined, d.archive);
        return {
          Executions: await Promise.all(items.map(view)),
          MaxResults: i.MaxResults,
          ...(next ? { NextToken: next } : {}),
        };
      },
    }),

    ListTaskExecutions: defineAction({
      input: z.object({
        ExecutionId: executionId,
        TaskExecutionId: text(100).optional(),
        TaskName: text(200).optional(),
        TaskAction: text(200).optional(),
        Status: text(20).optional(),
        ParentTaskExecutionId: text(100).optional(),
        IncludeChildTaskExecution: flag.optional(),
        SortField: z.enum(['StartDate', 'EndDate', 'Status']).default('StartDate'),
        SortOrder: z.enum(['Ascending', 'Descending']).default('Ascending'),
        MaxResults: count(20, 100).default(50),
        NextToken: text(100).optional(),
      }),
      async run(i) {
        const exec = await d.history.get(i.ExecutionId);
        const mask = await maskerOf(exec);
        const records = new Map<string, Record<string, unknown>>();
        for (const r of await d.history.taskRecords(exec.id))
          records.set(r.taskExecutionId, exact(taskExecutionView(exec.id, r.name, r, mask), r));
        for (const [name, r] of Object.entries(exec.tasks))
          records.set(r.taskExecutionId, exact(taskExecutionView(exec.id, name, r, mask), r));
        if (i.IncludeChildTaskExecution || i.ParentTaskExecutionId) {
          for (const [name, r] of Object.entries(exec.tasks)) {
            const items = await d.history.items(exec.id, r.taskExecutionId);
            if (!r.loop && !items.length) continue;
            for (const item of items) {
              records.set(
                item.taskExecutionId,
                exact(taskExecutionView(exec.id, name, { ...item, action: r.action }, mask, r.taskExecutionId), item),
              );
            }
          }
        }
        const all = [...records.values()].filter(
          (t) =>
            (!i.TaskExecutionId || t.TaskExecutionId === i.TaskExecutionId) &&
            (!i.TaskName || t.TaskName === i.TaskName) &&
            (!i.TaskAction || String(t.TaskAction).toLowerCase() === i.TaskAction.toLowerCase()) &&
            (!i.Status || t.Status === i.Status) &&
            (!i.ParentTaskExecutionId || t.ParentTaskExecutionId === i.ParentTaskExecutionId),
        );
        // Sort on the stored millisecond dates; the answer shows OOS's second precision.
        const key = (t: Record<string, unknown>) =>
          String(i.SortField === 'Status' ? t.Status : i.SortField === 'EndDate' ? t[EXACT_END] : t[EXACT_START]);
        const { items, next } = page(
          sortBy(all, key, i.SortOrder, (t) => String(t.TaskExecutionId)),
          i.MaxResults,
          i.NextToken,
        );
        return {
          TaskExecutions: items.map(({ [EXACT_START]: _s, [EXACT_END]: _e, ...t }) => t),
          MaxResults: i.MaxResults,
          ...(next ? { NextToken: next } : {}),
        };
      },
    }),

    NotifyExecution: defineAction({
      input: z.object({
        ExecutionId: executionId,
        NotifyType: z.enum([
          'Approve',
          'Reject',
          'ExecuteTask',
          'CancelTask',
          'CompleteExecution',
          'RetryTask',
          'SkipTask',
        ]),
        NotifyNote: text(500).optional(),
        TaskName: text(200).optional(),
        TaskExecutionId: text(100).optional(),
        Parameters: params.optional(),
        ExecutionStatus: z.enum(['Success', 'Failed', 'Cancelled']).optional(),
        LoopItem: text(200).optional(),
      }),
      async run(i, ctx) {
        const exec = await d.store.get(i.ExecutionId);
        if (isTerminal(exec.status))
          throw new InvalidStatusError(
            msg('api:executionEnded', { id: exec.id, status: msg('common:status', { status: exec.status }) }),
          );
        const waiting = exec.current ? exec.tasks[exec.current] : undefined;
        const ticketId = waiting?.status === 'Waiting' ? (waiting.data?.ticketId as string | undefined) : undefined;
        switch (i.NotifyType) {
          case 'Approve':
          case 'Reject': {
            if (ticketId) {
              const r = await d.approvals.vote(
                ticketId,
                d.directory.user(ctx.user),
                i.NotifyType === 'Approve' ? 'AGREE' : 'REJECT',
                i.NotifyNote,
                'api',
              );
              if (r.outcome === 'not-approver' || r.outcome === 'self-approval' || r.outcome === 'unknown-user')
                throw new ForbiddenError(r.message);
              if (r.outcome === 'closed' || r.outcome === 'duplicate') throw new InvalidStatusError(r.message);
              return {};
            }
            if (exec.status !== 'Waiting')
              throw new InvalidStatusError(msg('api:notWaitingForApproval', { id: exec.id }));
            // A Pause: its starter, an admin, or whoever may vote on a ticket it has open.
            const approvers = (await d.approvals.openOf(exec.id)).flatMap((t) => t.approvers);
            if (i.NotifyType === 'Reject') {
              d.permissions.checkExecution(ctx.user, 'execution.resume', exec, approvers);
              // The reason is kept with the run as written: in English, as the OOS API answers it.
              await d.executions.cancel(
                exec.id,
                t('en', 'api:rejectedBy', { user: ctx.user, hasNote: i.NotifyNote ? 'yes' : 'no', note: i.NotifyNote }),
              );
            } else await d.executions.resumeBy(exec.id, ctx.user, approvers);
            return {};
          }
          default:
            await d.executions.steer(exec.id, ctx.user, i.NotifyType, {
              taskName: i.TaskName,
              status: i.ExecutionStatus,
              note: i.NotifyNote,
            });
            return {};
        }
      },
    }),

    TriggerExecution: defineAction({
      input: z.object({
        ExecutionId: executionId,
        Type: z.enum(['Event', 'Alarm', 'Timer']),
        Content: text(64 * 1024),
        ClientToken: text(64).optional(),
      }),
      async run(i) {
        await d.triggers.trigger(i.ExecutionId, i.Type, i.Content, i.ClientToken);
        return {};
      },
    }),

    CancelExecution: defineAction({
      input: z.object({ ExecutionId: executionId }),
      async run(i, ctx) {
        await d.executions.cancelBy(i.ExecutionId, ctx.user);
        return {};
      },
    }),
  };
}
