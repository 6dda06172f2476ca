import { EXECUTION_STATUSES } from '../../engine/status.js';
import { escapeHtml as e } from '../../html.js';
import type { Reader } from '../../config/reader.js';
import { type MessageKey, t } from '../../i18n/index.js';
import { badge, pageShell, showDate } from './layout.js';
import { statusWord } from './words.js';

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
  /** The active level, when the ticket has more than one: the card's words, as the tally. */
  level?: string;
  /** Approvals on the active level of how many it needs. */
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

function form(f: ListFilters, r: Reader): string {
  const say = (key: MessageKey) => e(t(r.locale, key));
  const options = ['', ...EXECUTION_STATUSES]
    .map(
      (s) =>
        `<option value="${s}"${(f.status ?? '') === s ? ' selected' : ''}>` +
        `${s ? e(statusWord(r.locale, s)) : say('page:anyStatus')}</option>`,
    )
    .join('');
  return `<form class="filters" method="get" action="/executions">
<label>${say('page:filterStatus')}<select name="status">${options}</select></label>
<label>${say('page:filterTemplate')}<input name="template" value="${e(f.template ?? '')}" maxlength="200"></label>
<label>${say('page:filterOwner')}<input name="owner" value="${e(f.owner ?? '')}" maxlength="200"></label>
<button>${say('page:filter')}</button>${
    f.status || f.template || f.owner ? ` <a href="/executions">${say('page:clearFilters')}</a>` : ''
  }</form>`;
}

const headRow = (r: Reader, keys: MessageKey[]) =>
  `<tr>${keys.map((k) => `<th>${e(t(r.locale, k))}</th>`).join('')}</tr>`;

function pendingHtml(p: PendingRow[], r: Reader): string {
  if (!p.length) return `<p class="muted">${e(t(r.locale, 'page:noApprovalWaiting'))}</p>`;
  const rows = p
    .map((x) => {
      const { level } = x;
      return (
        `<tr data-ticket="${e(x.ticketId)}"><td>${e(x.ticketId)}</td>` +
        `<td>${e(x.title)}${level ? `<br><small>${e(level)}</small>` : ''}</td>` +
        `<td>${
          x.executionId
            ? `<a href="/executions/${e(x.executionId)}">${e(x.executionId)}</a>`
            : `<span class="muted">${e(t(r.locale, 'page:outsideRequest'))}</span>`
        }</td>` +
        `<td>${e(x.requester ?? '')}</td>` +
        `<td>${e(x.tally)}</td>` +
        `<td>${e(x.pending.join(', '))}</td>` +
        `<td>${e(showDate(x.createDate, r))}</td></tr>`
      );
    })
    .join('');
  const head = headRow(r, [
    'page:colTicket',
    'page:colWhat',
    'page:colExecution',
    'page:colRequestedBy',
    'page:colTally',
    'page:colStillNeeded',
    'page:colOpened',
  ]);
  return `<div class="wide"><table class="pending">${head}${rows}</table></div>`;
}

/** GET /executions: recent executions, newest first, filtered; and the approvals waiting. */
export function listPage(d: ListPageData, r: Reader): string {
  const say = (key: MessageKey) => e(t(r.locale, key));
  const rows = d.rows
    .map(
      (x) =>
        `<tr data-execution="${e(x.id)}"><td><a href="/executions/${e(x.id)}">${e(x.id)}</a>` +
        `${x.parentId ? `<br><small>${e(t(r.locale, 'page:childOfText', { id: x.parentId }))}</small>` : ''}</td>` +
        `<td>${e(x.templateName)} <small>${e(x.templateVersion)}</small></td>` +
        `<td>${badge(x.status, statusWord(r.locale, x.status))}</td>` +
        `<td>${e(x.owner ?? '')}</td>` +
        `<td>${e(showDate(x.createDate, r))}</td><td>${e(showDate(x.endDate, r))}</td></tr>`,
    )
    .join('');
  const nav = [
    d.later ? `<a href="/executions?${e(queryOf(d.filters))}">${say('page:newest')}</a>` : '',
    d.nextQuery ? `<a href="/executions?${e(d.nextQuery)}" rel="next">${say('page:older')}</a>` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const head = headRow(r, [
    'page:colExecution',
    'page:colTemplate',
    'page:colStatus',
    'page:colStartedBy',
    'page:colStarted',
    'page:colEnded',
  ]);
  const table = rows
    ? `<div class="wide"><table class="executions">${head}${rows}</table></div>`
    : `<p class="muted">${say('page:noExecutionMatches')}</p>`;
  const title = t(r.locale, 'page:executionsTitle');
  return pageShell(
    title,
    `<h1>${e(title)}</h1>
<h2>${say('page:waitingForApproval')}</h2>${pendingHtml(d.pending, r)}
<h2>${say('page:recentExecutions')}</h2>${form(d.filters, r)}
${table}
${nav ? `<p>${nav}</p>` : ''}`,
    r,
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
