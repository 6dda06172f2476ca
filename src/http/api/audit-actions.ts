import { z } from 'zod';
import type { AuditRecord } from '../../core/audit.js';
import { count, date, text } from './input.js';
import { says } from './message.js';
import { defineAction, type ApiAction } from './router.js';

type AuditQuery = { since: number; until?: number; limit: number; cursor?: string };

/** ListApprovalAudit: every approval decision in a date range, from Redis and the archive alike. */
export function auditActions(d: {
  audit(q: AuditQuery): Promise<{ records: AuditRecord[]; next?: string }>;
}): Record<string, ApiAction> {
  return {
    ListApprovalAudit: defineAction({
      own: true,
      input: z
        .object({
          StartDate: date,
          EndDate: date.optional(),
          MaxResults: count(1, 1000).default(100),
          NextToken: text(500).optional(),
        })
        .refine((i) => !i.EndDate || Date.parse(i.EndDate) > Date.parse(i.StartDate), {
          path: ['EndDate'],
          message: says('api:mustBeAfterStartDate'),
        }),
      async run(i) {
        const page = await d.audit({
          since: Date.parse(i.StartDate),
          until: i.EndDate ? Date.parse(i.EndDate) : undefined,
          limit: i.MaxResults,
          cursor: i.NextToken,
        });
        return {
          Records: page.records,
          MaxResults: i.MaxResults,
          ...(page.next ? { NextToken: page.next } : {}),
        };
      },
    }),
  };
}
