import { EXECUTION_STATUSES } from '../../engine/status.js';
import { escapeHtml as e } from '../../html.js';
import { badge, pageShell, showDate } from './layout.js';

export interface ListFilters {
  status?: string;
  template?: string;
  owner?: string;
}

export interface ListRow {
  id: string;
  templateName: string;
  templateVersion: string;
  status: string;
  owner?: string;
  createDate: string;
  endDate?: string;
  parentId?: string;
}

export interface PendingRow {
  ticketId: string;
  title: string;
  executionId?: string;
  level?: string;
  tally: string;
  /** Who is still needed on the active level. */
  pending: string[];
  requester?: string;
  createDate: string;
}

export interface ListPageData {
  filters: ListFilters;
  rows: ListRow[];
  /** The query string of the next page, when there may be one. */
  nextQuery?: string;
  /** Whether this is a later page (then a link back to the first). */
  later: boolean;
  pending: PendingRow[];
}

function form(f: ListFilters): string {
  const options = ['', ...EXECUTION_STATUSES]
    .map((s) => `<option value="${s}"${(f.status ?? '') === s ? ' selected' : ''}>${s || 'any'}</option>`)
    .join('');
  return `<form class="filters" method="get" action="/executions">
<label>status<select name="status">${options}</select></label>
<label>template<input name="template" value="${e(f.template ?? '')}" maxlength="200"></label>
<label>started by<input name="owner" value="${e(f.owner ?? '')}" maxlength="200"></label>
<button>Filter</button>${f.status || f.template || f.owner ? ' <a href="/executions">clear</a>' : ''}</form>`;
}

function pendingHtml(p: PendingRow[]): string {
  if (!p.length) return '<p class="muted">No approval is waiting.</p>';
  const rows = p
    .map(
      (t) =>
        `<tr data-ticket="${e(t.ticketId)}"><td>${e(t.ticketId)}</td>` +
        `<td>${e(t.title)}${t.level ? `<br><small>${e(t.level)}</small>` : ''}</td>` +
        `<td>${
          t.executionId
            ? `<a href="/executions/${e(t.executionId)}">${e(t.executionId)}</a>`
            : '<span class="muted">none (an outside request)</span>'
        }</td>` +
        `<td>${e(t.requester ?? '')}</td><td>${e(t.tally)}</td><td>${e(t.pending.join(', '))}</td>` +
        `<td>${e(showDate(t.createDate))}</td></tr>`,
    )
    .join('');
  const head =
    '<tr><th>ticket</th><th>what</th><th>execution</th><th>requested by</th><th>tally</th><th>still needed</th>' +
    '<th>opened</th></tr>';
  return `<table class="pending">${head}${rows}</table>`;
}

/** GET /executions: recent executions, newest first, filtered; and the approvals waiting. */
export function listPage(d: ListPageData): string {
  const rows = d.rows
    .map(
      (r) =>
        `<tr data-execution="${e(r.id)}"><td><a href="/executions/${e(r.id)}">${e(r.id)}</a>` +
        `${r.parentId ? `<br><small>child of ${e(r.parentId)}</small>` : ''}</td>` +
        `<td>${e(r.templateName)} <small>${e(r.templateVersion)}</small></td><td>${badge(r.status)}</td>` +
        `<td>${e(r.owner ?? '')}</td>` +
        `<td>${e(showDate(r.createDate))}</td><td>${e(showDate(r.endDate))}</td></tr>`,
    )
    .join('');
  const nav = [
    d.later ? `<a href="/executions?${e(queryOf(d.filters))}">newest</a>` : '',
    d.nextQuery ? `<a href="/executions?${e(d.nextQuery)}" rel="next">older</a>` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const head =
    '<tr><th>execution</th><th>template</th><th>status</th><th>started by</th><th>started</th><th>ended</th></tr>';
  const table = rows
    ? `<table class="executions">${head}${rows}</table>`
    : '<p class="muted">No execution matches.</p>';
  return pageShell(
    'Executions',
    `<h1>Executions</h1>
<h2>Waiting for approval</h2>${pendingHtml(d.pending)}
<h2>Recent executions</h2>${form(d.filters)}
${table}
${nav ? `<p>${nav}</p>` : ''}`,
  );
}

/** The filters (and where to go on from) as a query string. */
export function queryOf(f: ListFilters, cursor?: string): string {
  const q = new URLSearchParams();
  if (f.status) q.set('status', f.status);
  if (f.template) q.set('template', f.template);
  if (f.owner) q.set('owner', f.owner);
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}
