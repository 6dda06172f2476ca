import type { Ticket, Vote } from '../approval/ticket.js';
import { decodeAuditCursor, encodeAuditCursor, type AuditCursor } from '../archive/audit.js';
import type { AuditRecord } from '../archive/types.js';
import type { Execution, TaskRecord } from '../engine/types.js';

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
      const record = await recordOf(deps, ticket, vote);
      if (!after || compare(keyOf(record), after) > 0) out.push(record);
    }
    if (chunk.length < CHUNK) break;
  }
  return out.sort((a, b) => compare(keyOf(a), keyOf(b))).slice(0, want);
}

/** One vote as an audit record, with its run's template version and the hash of the template that ran. */
async function recordOf(
  deps: Pick<AuditDeps, 'execution' | 'templateHash'>,
  ticket: Ticket,
  vote: Vote,
): Promise<AuditRecord> {
  const exec = ticket.executionId ? await deps.execution(ticket.executionId) : undefined;
  const hash = exec ? await deps.templateHash(exec.templateName, exec.templateVersion) : undefined;
  const templateName = ticket.templateName ?? exec?.templateName;
  return {
    WorkflowInstanceId: ticket.id,
    ...(ticket.executionId ? { ExecutionId: ticket.executionId } : {}),
    ...(templateName ? { TemplateName: templateName } : {}),
    ...(exec ? { TemplateVersion: exec.templateVersion } : {}),
    ...(hash ? { TemplateHash: hash } : {}),
    Level: vote.level,
    Approver: vote.voter,
    Decision: vote.decision,
    ...(vote.comment ? { Comment: vote.comment } : {}),
    ...(vote.channel ? { Channel: vote.channel } : {}),
    Date: vote.date,
  };
}

/**
 * The approval decisions of one run (the execution page's audit link), oldest first: every ticket its
 * tasks opened, a RetryTask's fresh ticket included, wherever the run is.
 */
export async function runAuditRecords(
  deps: Pick<AuditDeps, 'execution' | 'templateHash'> & {
    taskRecords(id: string): Promise<TaskRecord[]>;
    ticket(id: string): Promise<Ticket>;
  },
  executionId: string,
): Promise<AuditRecord[] | undefined> {
  const exec = await deps.execution(executionId);
  if (!exec) return undefined;
  const runs = [...(await deps.taskRecords(executionId)), ...Object.values(exec.tasks)];
  const ids = new Set(runs.map((r) => r.data?.ticketId).filter((t): t is string => typeof t === 'string'));
  const records: AuditRecord[] = [];
  for (const id of ids) {
    const ticket = await deps.ticket(id).catch(() => undefined);
    for (const vote of ticket?.votes ?? []) records.push(await recordOf(deps, ticket!, vote));
  }
  return records.sort((a, b) => compare(keyOf(a), keyOf(b)));
}

/** The columns of the audit's CSV, in order (RFC 4180; a header line first). */
export const AUDIT_COLUMNS: (keyof AuditRecord)[] = [
  'Date',
  'WorkflowInstanceId',
  'ExecutionId',
  'TemplateName',
  'TemplateVersion',
  'TemplateHash',
  'Level',
  'Approver',
  'Decision',
  'Channel',
  'Comment',
];

/** A field with a comma, quote or line break is quoted, its quotes doubled. */
const csvField = (v: unknown) => {
  const s = v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const auditCsvHeader = () => `${AUDIT_COLUMNS.join(',')}\n`;
export const auditCsvLine = (r: AuditRecord) => `${AUDIT_COLUMNS.map((c) => csvField(r[c])).join(',')}\n`;
