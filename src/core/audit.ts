import type { Ticket } from '../approval/ticket.js';
import { decodeAuditCursor, encodeAuditCursor, type AuditCursor } from '../archive/audit.js';
import type { AuditRecord } from '../archive/types.js';
import type { Execution } from '../engine/types.js';

export type { AuditRecord };

/** What the audit reads: the votes index in Redis, tickets and runs wherever they are, the archive. */
export interface AuditDeps {
  /** Votes in [since, until) by the Redis index, oldest first, from `offset`. */
  votes(since: number, until: number, offset: number, count: number): Promise<{ ticketId: string; voter: string }[]>;
  /** A ticket still in Redis (undefined once it has left: the archive answers for it). */
  liveTicket(id: string): Promise<Ticket | undefined>;
  execution(id: string): Promise<Execution | undefined>;
  templateHash(name: string, version: string): Promise<string | undefined>;
  archive?: {
    audit(q: { since: number; until?: number; limit: number; cursor?: string }): Promise<{
      records: AuditRecord[];
      next?: string;
    }>;
  };
}

const keyOf = (r: AuditRecord): AuditCursor => [Date.parse(r.Date), r.WorkflowInstanceId, r.Level, r.Approver];
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
function compare(a: AuditCursor, b: AuditCursor): number {
  return a[0] - b[0] || byteOrder(a[1], b[1]) || a[2] - b[2] || byteOrder(a[3], b[3]);
}

/**
 * Every approval decision in a range, oldest first: who, when, through which channel, with which
 * comment, for which run and template. Read from Redis (runs not yet retired) and from the archive,
 * merged in one order (date, ticket, level, voter) so that a range may span both; a vote in both
 * (archived, not yet removed) is listed once.
 */
export async function auditRecords(
  deps: AuditDeps,
  q: { since: number; until?: number; limit: number; cursor?: string },
): Promise<{ records: AuditRecord[]; next?: string }> {
  const after = q.cursor ? decodeAuditCursor(q.cursor) : undefined;
  const since = Math.max(q.since, after?.[0] ?? q.since);
  const until = q.until ?? Number.MAX_SAFE_INTEGER;
  const fromRedis = await liveRecords(deps, since, until, after, q.limit + 1);
  const archived = deps.archive
    ? await deps.archive.audit({ since: q.since, until: q.until, limit: q.limit + 1, cursor: q.cursor })
    : { records: [] };
  const seen = new Set(fromRedis.map((r) => `${r.WorkflowInstanceId}/${r.Level}/${r.Approver}`));
  const merged = [
    ...fromRedis,
    ...archived.records.filter((r) => !seen.has(`${r.WorkflowInstanceId}/${r.Level}/${r.Approver}`)),
  ].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const records = merged.slice(0, q.limit);
  const more = merged.length > q.limit || !!archived.next;
  const last = records.at(-1);
  return { records, ...(more && last ? { next: encodeAuditCursor(keyOf(last)) } : {}) };
}

/** Up to `want` votes after `after` from tickets still in Redis. */
async function liveRecords(
  deps: AuditDeps,
  since: number,
  until: number,
  after: AuditCursor | undefined,
  want: number,
): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  const CHUNK = 200;
  for (let offset = 0; out.length < want; offset += CHUNK) {
    const chunk = await deps.votes(since, until, offset, CHUNK);
    for (const { ticketId, voter } of chunk) {
      const ticket = await deps.liveTicket(ticketId);
      const vote = ticket?.votes.find((v) => v.voter === voter);
      if (!ticket || !vote) continue;
      const at = Date.parse(vote.date);
      if (at < since || at >= until) continue;
      const exec = ticket.executionId ? await deps.execution(ticket.executionId) : undefined;
      const hash = exec ? await deps.templateHash(exec.templateName, exec.templateVersion) : undefined;
      const record: AuditRecord = {
        WorkflowInstanceId: ticket.id,
        ...(ticket.executionId ? { ExecutionId: ticket.executionId } : {}),
        ...((ticket.templateName ?? exec?.templateName)
          ? { TemplateName: ticket.templateName ?? exec?.templateName }
          : {}),
        ...(exec ? { TemplateVersion: exec.templateVersion } : {}),
        ...(hash ? { TemplateHash: hash } : {}),
        Level: vote.level,
        Approver: vote.voter,
        Decision: vote.decision,
        ...(vote.comment ? { Comment: vote.comment } : {}),
        ...(vote.channel ? { Channel: vote.channel } : {}),
        Date: vote.date,
      };
      if (!after || compare(keyOf(record), after) > 0) out.push(record);
    }
    if (chunk.length < CHUNK) break;
  }
  return out.sort((a, b) => compare(keyOf(a), keyOf(b))).slice(0, want);
}
