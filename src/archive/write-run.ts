import { storable, storableText } from './storable.js';
import type { Db } from './pool.js';
import { isoDate, type Tables } from './tables.js';
import type { ArchivedRun } from './types.js';

const text = (s: string | undefined) => (s === undefined ? null : storableText(s));

/**
 * Writes a run (already masked) as it is now: the execution's row, then its task records and loop
 * items, rows no longer in it removed. The execution's row is written first so that two writes of the
 * same run queue on its lock instead of deadlocking on the rows below it.
 */
export async function writeRun(db: Db, t: Tables, run: ArchivedRun, templateHash?: string): Promise<void> {
  const e = run.execution;
  const row = [
    e.id,
    e.status,
    storableText(e.templateName),
    storableText(e.templateVersion),
    templateHash ?? null,
    text(e.owner),
    text(e.parent?.executionId),
    e.mode,
    text(e.description),
    isoDate(e.createDate, `execution ${e.id} createDate`),
    e.endDate === undefined ? null : isoDate(e.endDate, `execution ${e.id} endDate`),
    JSON.stringify(storable(e.tags ?? {})),
    JSON.stringify(storable(run.children)),
    JSON.stringify(Object.keys(run.loopItems)),
    JSON.stringify(e),
  ];
  // One row a key: a key given twice keeps its last record (the statement cannot write a row twice).
  const tasks = [...new Map(run.taskRecords.map((r) => [r.taskExecutionId, r])).values()].map((r, ord) => ({
    te: r.taskExecutionId,
    ord,
    doc: JSON.stringify(r),
  }));
  const items = Object.entries(run.loopItems).flatMap(([te, list]) =>
    [...new Map(list.map((i) => [i.index, i])).values()].map((i) => ({ te, idx: i.index, doc: JSON.stringify(i) })),
  );
  await db.tx(async (q) => {
    await q(
      `INSERT INTO ${t.executions} (id, status, template_name, template_version, template_hash, executed_by,
         parent_id, mode, description, create_date, end_date, tags, children, loop_tasks, doc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, template_name = excluded.template_name,
         template_version = excluded.template_version, template_hash = excluded.template_hash,
         executed_by = excluded.executed_by, parent_id = excluded.parent_id, mode = excluded.mode,
         description = excluded.description, create_date = excluded.create_date, end_date = excluded.end_date,
         tags = excluded.tags, children = excluded.children, loop_tasks = excluded.loop_tasks, doc = excluded.doc,
         archived_at = now()`,
      row,
    );
    // The rows below in one statement: they are disjoint, so its parts may run in any order.
    await q(
      `WITH gone_tasks AS (
         DELETE FROM ${t.taskExecutions} WHERE execution_id = $1 AND task_execution_id <> ALL ($2::text[])
       ), put_tasks AS (
         INSERT INTO ${t.taskExecutions} (execution_id, task_execution_id, ord, doc)
         SELECT $1, r.te, r.ord, r.doc FROM unnest($2::text[], $3::int[], $4::json[]) AS r (te, ord, doc)
         ON CONFLICT (execution_id, task_execution_id) DO UPDATE SET ord = excluded.ord, doc = excluded.doc
       ), gone_items AS (
         DELETE FROM ${t.loopItems} l WHERE l.execution_id = $1 AND NOT EXISTS (
           SELECT 1 FROM unnest($5::text[], $6::int[]) AS k (te, idx)
           WHERE k.te = l.task_execution_id AND k.idx = l.idx)
       )
       INSERT INTO ${t.loopItems} (execution_id, task_execution_id, idx, doc)
       SELECT $1, i.te, i.idx, i.doc FROM unnest($5::text[], $6::int[], $7::json[]) AS i (te, idx, doc)
       ON CONFLICT (execution_id, task_execution_id, idx) DO UPDATE SET doc = excluded.doc`,
      [
        e.id,
        tasks.map((r) => r.te),
        tasks.map((r) => r.ord),
        tasks.map((r) => r.doc),
        items.map((i) => i.te),
        items.map((i) => i.idx),
        items.map((i) => i.doc),
      ],
    );
  });
}
