import type { Execution } from '../engine/types.js';
import type { Db } from './pool.js';
import type { Tables } from './tables.js';
import type { ArchiveQuery, RunCursor } from './types.js';

/** The most a page holds, whatever the caller asks. */
export const MAX_PAGE = 1000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One page of archived executions, newest first (createDate, then id), from the index of whichever
 * filter PostgreSQL finds narrowest; `next` when more follow.
 */
export async function listRuns(
  db: Db,
  t: Tables,
  q: ArchiveQuery,
  limit: number,
  cursor?: RunCursor,
): Promise<{ items: Execution[]; next?: RunCursor }> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where: string[] = [];
  if (q.status !== undefined) where.push(`status = ${p(q.status)}`);
  if (q.templateNames !== undefined) where.push(`template_name = ANY (${p(q.templateNames)}::text[])`);
  if (q.executedBy !== undefined) where.push(`executed_by = ${p(q.executedBy)}`);
  if (q.parentId !== undefined) where.push(`parent_id = ${p(q.parentId)}`);
  // i18n-exempt: SQL
  if (q.rootOnly) where.push('parent_id IS NULL');
  if (q.mode !== undefined) where.push(`mode = ${p(q.mode)}`);
  if (q.startAfter !== undefined) where.push(`create_date >= ${p(iso(q.startAfter))}`);
  if (q.startBefore !== undefined) where.push(`create_date <= ${p(iso(q.startBefore))}`);
  if (q.endAfter !== undefined) where.push(`end_date >= ${p(iso(q.endAfter))}`);
  if (q.endBefore !== undefined) where.push(`end_date <= ${p(iso(q.endBefore))}`);
  if (q.tags && Object.keys(q.tags).length) where.push(`tags @> ${p(JSON.stringify(q.tags))}::jsonb`);
  if (q.description) where.push(`strpos(description, ${p(q.description)}) > 0`);
  if (cursor) where.push(`(create_date, id) < (${p(iso(cursor.score))}::timestamptz, ${p(cursor.id)})`);
  const size = Math.max(1, Math.min(MAX_PAGE, Math.floor(limit)));
  const rows = await db.query<{ id: string; create_date: Date; doc: Execution }>(
    `SELECT id, create_date, doc FROM ${t.executions}
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY create_date DESC, id DESC LIMIT ${size + 1}`,
    params,
  );
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return {
    items: page.map((r) => r.doc),
    ...(rows.length > size && last ? { next: { score: last.create_date.getTime(), id: last.id } } : {}),
  };
}
