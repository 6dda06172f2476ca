import type { Ticket } from '../approval/ticket.js';
import type { ItemRecord } from '../engine/loop-task.js';
import type { Execution, TaskRecord } from '../engine/types.js';
import type { Db } from './pool.js';
import type { Tables } from './tables.js';
import type { ArchivedRun } from './types.js';

// Documents are json: the driver parses them as written, so they come back as they were put.

/** A run as written, read in one statement (one snapshot: a write in between shows whole or not at all). */
export async function readRun(db: Db, t: Tables, id: string): Promise<ArchivedRun | undefined> {
  const [row] = await db.query<{
    doc: Execution;
    children: string[];
    loop_tasks: string[];
    tasks: (TaskRecord & { name: string })[];
    items: [string, ItemRecord][];
  }>(
    `SELECT e.doc, e.children, e.loop_tasks,
       (SELECT coalesce(json_agg(r.doc ORDER BY r.ord), '[]')
          FROM ${t.taskExecutions} r WHERE r.execution_id = e.id) AS tasks,
       (SELECT coalesce(json_agg(json_build_array(i.task_execution_id, i.doc) ORDER BY i.task_execution_id, i.idx),
                        '[]')
          FROM ${t.loopItems} i WHERE i.execution_id = e.id) AS items
     FROM ${t.executions} e WHERE e.id = $1`,
    [id],
  );
  if (!row) return undefined;
  const loopItems: Record<string, ItemRecord[]> = Object.fromEntries(row.loop_tasks.map((te) => [te, []]));
  for (const [te, item] of row.items) {
    loopItems[te] ??= [];
    loopItems[te].push(item);
  }
  return {
    execution: row.doc,
    taskRecords: row.tasks,
    loopItems,
    children: row.children,
  };
}

export async function readTicket(db: Db, t: Tables, id: string): Promise<Ticket | undefined> {
  const [row] = await db.query<{ doc: Ticket }>(`SELECT doc FROM ${t.tickets} WHERE id = $1`, [id]);
  return row?.doc;
}

/** The ids of an execution's tickets, in the order they were opened (ids are a counter). */
export async function ticketIdsOf(db: Db, t: Tables, executionId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM ${t.tickets} WHERE execution_id = $1 ORDER BY length(id), id`,
    [executionId],
  );
  return rows.map((r) => r.id);
}

export async function hasRun(db: Db, t: Tables, id: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM ${t.executions} WHERE id = $1`, [id])).length > 0;
}
