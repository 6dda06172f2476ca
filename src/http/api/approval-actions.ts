import { z } from 'zod';
import type { Directory } from '../../config/directory.js';
import { applicable, type Policy } from '../../config/policies.js';
import type { ApprovalService } from '../../core/approval-service.js';
import { approvalDetail } from '../../approval/dms-detail.js';
import type { Ticket } from '../../approval/ticket.js';
import { ForbiddenError, OpsgateError } from '../../errors.js';
import { msg, t } from '../../i18n/index.js';
import { readApproval } from '../../template/approve.js';
import { jsonList, jsonMap, text } from './input.js';
import { says } from './message.js';
import { defineAction, type ApiAction } from './router.js';

const ticketId = z
  .union([z.string(), z.number()], { error: says('api:mustBeTicketNumber') })
  .transform((v) => String(v))
  .refine((v) => /^\d{1,15}$/.test(v), says('api:mustBeTicketNumber'));

/** Approval tickets in the shape of Alibaba DMS: GetApprovalDetail, ApproveOrder, CreateApproval. */
export function approvalActions(d: {
  approvals: ApprovalService;
  /** A ticket wherever it is: Redis, or the archive once retention moved it. */
  tickets: (id: string) => Promise<Ticket>;
  directory: Directory;
  policies: Policy[];
}): Record<string, ApiAction> {
  return {
    GetApprovalDetail: defineAction({
      style: 'dms',
      input: z.object({
        WorkflowInstanceId: ticketId,
        Tid: z.unknown().optional(),
        Format: z.enum(['JSON', 'XML', 'json', 'xml']).optional(),
      }),
      async run(i) {
        return { ApprovalDetail: approvalDetail(await d.tickets(i.WorkflowInstanceId)) };
      },
    }),

    ApproveOrder: defineAction({
      style: 'dms',
      input: z.object({
        WorkflowInstanceId: ticketId,
        ApprovalType: z.enum(['AGREE', 'REJECT', 'CANCEL', 'TRANSFER']),
        Comment: text(500).optional(),
        NewApprover: text(200).optional(),
        Tid: z.unknown().optional(),
      }),
      async run(i, ctx) {
        const me = d.directory.user(ctx.user);
        let refusal = '';
        if (i.ApprovalType === 'CANCEL') refusal = await d.approvals.withdraw(i.WorkflowInstanceId, me);
        else if (i.ApprovalType === 'TRANSFER') {
          if (!i.NewApprover) throw new OpsgateError('MissingNewApprover', msg('api:newApproverMandatory'));
          refusal = await d.approvals.transfer(i.WorkflowInstanceId, me, i.NewApprover);
        } else {
          const r = await d.approvals.vote(i.WorkflowInstanceId, me, i.ApprovalType, i.Comment, 'api');
          if (r.outcome === 'missing') throw new OpsgateError('InvalidWorkflowInstanceId', r.message, 404);
          if (r.outcome !== 'recorded' && r.outcome !== 'decided') refusal = r.message;
        }
        if (refusal) throw new ForbiddenError(refusal);
        return {};
      },
    }),

    CreateApproval: defineAction({
      style: 'dms',
      own: true,
      input: z.object({
        Title: text(200),
        Description: text(4000).default(''),
        OrderType: text(64).default('APPROVAL'),
        Levels: jsonList(z.record(z.string(), z.unknown())).optional(),
        Approvers: jsonList(z.string()).optional(),
        MinRequiredApprovals: z.coerce.number().int().min(1).optional(),
        PolicyName: text(200).optional(),
        Timeout: text(40).optional(),
        RemindAfter: text(40).optional(),
        Context: jsonMap(z.unknown()).default({}),
        CallbackUrl: z
          .string()
          .url(says('api:mustBeHttpUrl'))
          .refine((u) => /^https?:/.test(u), says('api:mustBeHttpUrl'))
          .optional(),
      }),
      async run(i, ctx) {
        let properties: Record<string, unknown>;
        const reasons: string[] = [];
        if (i.PolicyName) {
          const policy = d.policies.find((p) => p.name === i.PolicyName);
          if (!policy) throw new OpsgateError('InvalidPolicyName', msg('api:noPolicy', { name: i.PolicyName }), 404);
          properties = policy.properties;
          reasons.push(`policy ${policy.name}`);
        } else if (i.Levels || i.Approvers) {
          properties = {
            Levels: i.Levels,
            Approvers: i.Approvers,
            MinRequiredApprovals: i.MinRequiredApprovals,
            Timeout: i.Timeout,
            RemindAfter: i.RemindAfter,
          };
        } else {
          throw new OpsgateError('MissingApprovers', msg('api:giveApprovers'));
        }
        let spec: ReturnType<typeof readApproval>;
        try {
          spec = readApproval(Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== undefined)));
        } catch (err) {
          throw new OpsgateError('InvalidParameter', (err as Error).message);
        }
        for (const p of applicable(d.policies, { template: i.OrderType, parameters: i.Context, owner: ctx.user }))
          if (!reasons.includes(`policy ${p.name}`)) reasons.push(`policy ${p.name} applies`);
        const { id } = await d.approvals.open({
          key: `request/${ctx.requestId}`,
          title: i.Title,
          description: i.Description,
          orderType: i.OrderType,
          requester: ctx.user,
          spec,
          subject: { parameters: {}, outputs: {}, context: i.Context, request: { owner: ctx.user, ...i.Context } },
          // A ticket's reasons are kept as written, in English, as its title and description.
          reasons: reasons.length ? reasons : [t('en', 'api:askedForApproval', { user: ctx.user })],
          callbackUrl: i.CallbackUrl,
        });
        return { WorkflowInstanceId: id };
      },
    }),
  };
}
