import { approvalCard } from '../../approval/card.js';
import type { Reader } from '../../config/reader.js';
import type { Execution } from '../../engine/types.js';
import type { ApprovalTickets } from '../../store/approval-tickets.js';
import type { ListCursor } from '../../store/execution-query.js';
import type { ExecutionStore } from '../../store/executions.js';
import { queryOf, type ListFilters, type ListPageData } from './list-html.js';
import { isExecutionStatus } from '../../engine/status.js';

export const PAGE_SIZE = 50;
const MAX_PENDING = 100;

export interface ListDeps {
  executions: ExecutionStore;
  tickets: Pick<ApprovalTickets, 'open'>;
}

const text = (v: string | null) => (v ?? '').trim().slice(0, 200) || undefined;

/** The list's filters from the query string; an unknown status filters nothing. */
export function filtersOf(q: URLSearchParams): ListFilters {
  const status = q.get('status') ?? '';
  return {
    status: status && isExecutionStatus(status) ? status : undefined,
    template: text(q.get('template')),
    owner: text(q.get('owner')),
  };
}

/** `score_id` of the last execution of the page before; anything else starts at the newest. */
export function cursorOf(v: string | null): ListCursor | undefined {
  const m = /^(\d{1,16})_(exec-[0-9a-f]{1,64})$/.exec(v ?? '');
  return m ? { phase: 0, score: Number(m[1]), id: m[2]! } : undefined;
}

export function matches(f: ListFilters): (e: Execution) => boolean {
  const template = f.template?.toLowerCase();
  return (e) =>
    (!f.status || e.status === f.status) &&
    (!template || e.templateName.toLowerCase().includes(template)) &&
    (!f.owner || e.owner === f.owner);
}

/** The list's data; the approvals waiting in the reader's language (their card's words). */
export async function loadList(
  deps: ListDeps,
  q: URLSearchParams,
  reader: Reader = { locale: 'en', timeZone: 'UTC' },
): Promise<ListPageData> {
  const filters = filtersOf(q);
  const after = cursorOf(q.get('cursor'));
  const store = deps.executions;
  // Newest first through the most selective index of the filters; `matches` still decides on each one read.
  const templates = filters.template ? await store.index.templatesContaining(filters.template) : undefined;
  const [{ items, next }, open] = await Promise.all([
    store.list({
      filter: { status: filters.status, owner: filters.owner, templates },
      keep: matches(filters),
      limit: PAGE_SIZE,
      after,
    }),
    deps.tickets.open(MAX_PENDING),
  ]);
  return {
    filters,
    later: !!after,
    nextQuery: next ? queryOf(filters, `${next.score}_${next.id}`) : undefined,
    rows: items.map((x) => ({
      id: x.id,
      templateName: x.templateName,
      templateVersion: x.templateVersion,
      status: x.status,
      owner: x.owner,
      createDate: x.createDate,
      endDate: x.endDate,
      parentId: x.parent?.executionId,
    })),
    pending: open.map((t) => {
      const card = approvalCard(t, '', { locale: reader.locale, timeZone: reader.timeZone });
      return {
        ticketId: t.id,
        title: t.title,
        executionId: t.executionId,
        level: card.level,
        tally: card.tally,
        pending: card.pending,
        requester: t.requester,
        createDate: t.createDate,
      };
    }),
  };
}
