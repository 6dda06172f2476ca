import { z } from 'zod';
import type { Execution } from '../../engine/types.js';
import type { ExecutionFilter, ListSort } from '../../store/execution-query.js';
import type { ExecutionStore } from '../../store/executions.js';
import { count, date, flag, jsonMap, text } from './input.js';
import { cursorToken, readCursorToken } from './paging.js';

export const executionId = z
  .string({ error: 'must be text' })
  .regex(/^exec-[0-9a-f]{1,64}$/, 'must be an execution id (exec-...)');

export const listExecutionsInput = z.object({
  ExecutionId: executionId.optional(),
  TemplateName: text(200).optional(),
  Status: text(20).optional(),
  Mode: z.enum(['Automatic', 'Debug', 'FailurePause']).optional(),
  ParentExecutionId: executionId.optional(),
  IncludeChildExecution: flag.optional(),
  ExecutedBy: text(200).optional(),
  Description: text(200).optional(),
  StartDateAfter: date.optional(),
  StartDateBefore: date.optional(),
  EndDateAfter: date.optional(),
  EndDateBefore: date.optional(),
  Tags: jsonMap(z.string()).optional(),
  SortField: z.enum(['StartDate', 'EndDate', 'Status']).default('StartDate'),
  SortOrder: z.enum(['Ascending', 'Descending']).default('Descending'),
  MaxResults: count(10, 100).default(50),
  NextToken: text(100).optional(),
});
type ListInput = z.infer<typeof listExecutionsInput>;

const SORTS: Record<ListInput['SortField'], ListSort> = { StartDate: 'created', EndDate: 'ended', Status: 'status' };
const dateOf = (d?: string) => (d ? Date.parse(d) : NaN);

/** ListExecutions' whole condition, on one execution: what every document read is checked against. */
export function matchesInput(i: ListInput): (e: Execution) => boolean {
  return (e) =>
    (!i.ExecutionId || e.id === i.ExecutionId) &&
    (!i.TemplateName || e.templateName.toLowerCase().includes(i.TemplateName.toLowerCase())) &&
    (!i.Status || e.status === i.Status) &&
    (!i.Mode || e.mode === i.Mode) &&
    (i.ParentExecutionId
      ? e.parent?.executionId === i.ParentExecutionId
      : !!(i.IncludeChildExecution || i.ExecutionId) || !e.parent) &&
    (!i.ExecutedBy || e.owner === i.ExecutedBy) &&
    (!i.Description || (e.description ?? '').includes(i.Description)) &&
    (!i.StartDateAfter || dateOf(e.createDate) >= dateOf(i.StartDateAfter)) &&
    (!i.StartDateBefore || dateOf(e.createDate) <= dateOf(i.StartDateBefore)) &&
    (!i.EndDateAfter || dateOf(e.endDate) >= dateOf(i.EndDateAfter)) &&
    (!i.EndDateBefore || dateOf(e.endDate) <= dateOf(i.EndDateBefore)) &&
    Object.entries(i.Tags ?? {}).every(([k, v]) => e.tags?.[k] === v);
}

const range = (after?: string, before?: string) =>
  after || before ? { min: after ? dateOf(after) : -Infinity, max: before ? dateOf(before) : Infinity } : undefined;

/** What of the input an index can answer (Description cannot: it is checked on the documents only). */
function filterOf(i: ListInput, templates: string[] | undefined): ExecutionFilter {
  return {
    status: i.Status || undefined,
    templates,
    owner: i.ExecutedBy || undefined,
    parentId: i.ParentExecutionId,
    mode: i.Mode,
    rootOnly: !i.ParentExecutionId && !i.IncludeChildExecution,
    tags: i.Tags,
    created: range(i.StartDateAfter, i.StartDateBefore),
    ended: range(i.EndDateAfter, i.EndDateBefore),
  };
}

/**
 * One page of ListExecutions through the indexes, and the NextToken of the next (a cursor; an
 * offset token of an older opsgate is refused). TemplateName, a substring in any case, reads the
 * indexes of the template names that contain it.
 */
export async function listExecutionsPage(
  store: ExecutionStore,
  i: ListInput,
  /** Index entries looked at per call, at most (the store's default unless a test asks). */
  scanLimit?: number,
): Promise<{ items: Execution[]; next?: string }> {
  const sortCode = Object.keys(SORTS).indexOf(i.SortField) * 2 + (i.SortOrder === 'Descending' ? 1 : 0);
  const after = i.NextToken ? readCursorToken(i.NextToken, sortCode) : undefined;
  const keep = matchesInput(i);
  if (i.ExecutionId) {
    // One execution at most: all on the first page.
    const e = after ? undefined : await store.find(i.ExecutionId);
    return { items: e && keep(e) ? [e] : [] };
  }
  const templates = i.TemplateName ? await store.index.templatesContaining(i.TemplateName) : undefined;
  const { items, next } = await store.list({
    filter: filterOf(i, templates),
    keep,
    sort: SORTS[i.SortField],
    desc: i.SortOrder === 'Descending',
    limit: i.MaxResults,
    after,
    scanLimit,
  });
  return { items, ...(next ? { next: cursorToken(sortCode, next) } : {}) };
}
