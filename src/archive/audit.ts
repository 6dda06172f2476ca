import { ParameterError } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { Db } from './pool.js';
import type { Tables } from './tables.js';
import type { AuditQuery, AuditRecord } from './types.js';
import { MAX_PAGE } from './list-runs.js';

/** Where an audit page ended: the last vote's instant and key; opaque to callers. */
export type AuditCursor = [at: number, ticketId: string, level: number, voter: string];

export const encodeAuditCursor = (c: AuditCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeAuditCursor(s: string): AuditCursor {
  try {
    const c: unknown = JSON.parse(Buffer.from(s, 'base64url').toString());
    if (
      Array.isArray(c) &&
      c.length === 4 &&
      Number.isFinite(c[0]) &&
      typeof c[1] === 'string' &&
      Number.isInteger(c[2]) &&
      typeof c[3] === 'string'
    )
      return [c[0], c[1], c[2], c[3]];
  } catch {
    /* not JSON: refused below */
  }
  throw new ParameterError(msg('store:archiveCursor'));
}

interface Row {
  ticket_id: string;
  level: number;
  voter: string;
  decision: 'AGREE' | 'REJECT';
  comment: string | null;
  channel: string | null;
  date: string;
  at: Date;
  execution_id: string | null;
  template_name: string | null;
  template_version: string | null;
  template_hash: string | null;
}

/** Optional fields present only when known. */
const some = <K extends string>(key: K, v: string | null) => (v === null ? {} : ({ [key]: v } as Record<K, string>));

/**
 * Votes cast in [since, until), oldest first, with their ticket's execution and template. The template
 * version and hash come from the archived execution when the ticket did not carry them.
 */
export async function audit(db: Db, t: Tables, q: AuditQuery): Promise<{ records: AuditRecord[]; next?: string }> {
  const params: unknown[] = [new Date(q.since).toISOString()];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = ['v.at >= $1'];
  if (q.until !== undefined) where.push(`v.at < ${p(new Date(q.until).toISOString())}`);
  if (q.cursor) {
    const [at, ticket, level, voter] = decodeAuditCursor(q.cursor);
    where.push(
      // i18n-exempt: SQL
      `(v.at, v.ticket_id COLLATE "C", v.level, v.voter COLLATE "C") > ` +
        `(${p(new Date(at).toISOString())}::timestamptz, ${p(ticket)}, ${p(level)}::int, ${p(voter)})`,
    );
  }
  const size = Math.max(1, Math.min(MAX_PAGE, Math.floor(q.limit)));
  const rows = await db.query<Row>(
    `SELECT v.ticket_id, v.level, v.voter, v.decision, v.comment, v.channel, v.date, v.at, t.execution_id,
       coalesce(t.template_name, e.template_name) AS template_name, e.template_version,
       coalesce(t.template_hash, e.template_hash) AS template_hash
     FROM ${t.votes} v JOIN ${t.tickets} t ON t.id = v.ticket_id LEFT JOIN ${t.executions} e ON e.id = t.execution_id
     WHERE ${where.join(' AND ')}
     ORDER BY v.at, v.ticket_id COLLATE "C", v.level, v.voter COLLATE "C" LIMIT ${size + 1}`,
    params,
  );
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return {
    records: page.map((r) => ({
      WorkflowInstanceId: r.ticket_id,
      ...some('ExecutionId', r.execution_id),
      ...some('TemplateName', r.template_name),
      ...some('TemplateVersion', r.template_version),
      ...some('TemplateHash', r.template_hash),
      Level: r.level,
      Approver: r.voter,
      Decision: r.decision,
      ...some('Comment', r.comment),
      ...some('Channel', r.channel),
      Date: r.date,
    })),
    ...(rows.length > size && last
      ? { next: encodeAuditCursor([last.at.getTime(), last.ticket_id, last.level, last.voter]) }
      : {}),
  };
}
