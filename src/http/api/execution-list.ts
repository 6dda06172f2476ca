import { z } from 'zod';
import type { Execution } from '../../engine/types.js';
import type { ArchiveQuery } from '../../archive/types.js';
import type { ExecutionFilter, ListCursor, ListSort } from '../../store/execution-query.js';
import type { ExecutionStore } from '../../store/executions.js';
import { count, date, flag, jsonMap, text } from './input.js';
import { says } from './message.js';
import { cursorToken, readCursorToken } from './paging.js';

export const executionId = z
  .string({ error: says('api:mustBeText') })
  .regex(/^exec-[0-9a-f]{1,64}$/, says('api:mustBeExecutionId'));

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
  /** Runs retention moved out of Redis: listed too, in the default order (newest first). */
  archive?: ListArchive,
): Promise<{ items: Execution[]; next?: string }> {
  const sortCode = Object.keys(SORTS).indexOf(i.SortField) * 2 + (i.SortOrder === 'Descending' ? 1 : 0);
  const after = i.NextToken ? readCursorToken(i.NextToken, sortCode) : undefined;
  const keep = matchesInput(i);
  if (i.ExecutionId) {
    // One execution at most: all on the first page.
    const e = after ? undefined : ((await store.find(i.ExecutionId)) ?? (await archive?.find(i.ExecutionId)));
    return { items: e && keep(e) ? [e] : [] };
  }
  const templates = i.TemplateName ? await store.index.templatesContaining(i.TemplateName) : undefined;
  const live = await store.list({
    filter: filterOf(i, templates),
    keep,
    sort: SORTS[i.SortField],
    desc: i.SortOrder === 'Descending',
    limit: i.MaxResults,
    after,
    scanLimit,
  });
  const page =
    archive && i.SortField === 'StartDate' && i.SortOrder === 'Descending'
      ? withArchived(live, await archive.listRuns(archiveQueryOf(i, templates), i.MaxResults + 1, after), i.MaxResults)
      : live;
  return { items: page.items, ...(page.next ? { next: cursorToken(sortCode, page.next) } : {}) };
}

/** The archive's side of ListExecutions (archive/archive.ts). */
export interface ListArchive {
  find(id: string): Promise<Execution | undefined>;
  listRuns(
    q: ArchiveQuery,
    limit: number,
    after?: { score: number; id: string },
  ): Promise<{ items: Execution[]; next?: { score: number; id: string } }>;
}

function archiveQueryOf(i: ListInput, templates: string[] | undefined): ArchiveQuery {
  const f = filterOf(i, templates);
  return {
    status: f.status,
    templateNames: f.templates,
    executedBy: f.owner,
    parentId: f.parentId,
    rootOnly: f.rootOnly,
    mode: f.mode,
    startAfter: f.created && Number.isFinite(f.created.min) ? f.created.min : undefined,
    startBefore: f.created && Number.isFinite(f.created.max) ? f.created.max : undefined,
    endAfter: f.ended && Number.isFinite(f.ended.min) ? f.ended.min : undefined,
    endBefore: f.ended && Number.isFinite(f.ended.max) ? f.ended.max : undefined,
    tags: f.tags,
    description: i.Description || undefined,
  };
}

/**
 * Redis's page and the archive's, newest first, one run once (archived but not yet removed: Redis's
 * copy). Where Redis stopped short (its scan limit), nothing older than that point is given: the next
 * page goes on from there in both.
 */
function withArchived(
  live: { items: Execution[]; next?: ListCursor },
  archived: { items: Execution[] },
  limit: number,
): { items: Execution[]; next?: ListCursor } {
  const key = (e: Execution) => ({ score: Date.parse(e.createDate), id: e.id });
  const newer = (a: { score: number; id: string }, b: { score: number; id: string }) =>
    a.score > b.score || (a.score === b.score && a.id > b.id);
  const ids = new Set(live.items.map((e) => e.id));
  const stop = live.next;
  const merged = [...live.items, ...archived.items.filter((e) => !ids.has(e.id))]
    .filter((e) => !stop || !newer(stop, key(e)))
    .sort((a, b) => (newer(key(a), key(b)) ? -1 : newer(key(b), key(a)) ? 1 : 0));
  const items = merged.slice(0, limit);
  const last = items.at(-1);
  if (merged.length > limit && last) return { items, next: { phase: 0, ...key(last) } };
  return { items, ...(stop ? { next: stop } : {}) };
}
