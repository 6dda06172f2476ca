import type { Reader } from '../../config/reader.js';
import { isExecutionStatus, isTerminal } from '../../engine/status.js';
import { escapeHtml as e } from '../../html.js';
import { type MessageKey, t, type Values } from '../../i18n/index.js';
import type { ApprovalView } from './approval-view.js';
import type { ExecutionPageData, LoopView, RunView } from './execution-data.js';
import { htmlMessage } from './html-message.js';
import { badge, pageShell, showDate } from './layout.js';
import { timelineSvg, type TimelineRow } from './timeline-svg.js';
import { decisionWord, formatDuration, statusWord, ticketStatusWord } from './words.js';

const link = (id: string) => `<a href="/executions/${e(id)}">${e(id)}</a>`;
const bold = (s: string | number) => `<b>${e(String(s))}</b>`;
const pre = (s: string) => `<pre>${e(s)}</pre>`;

/** What one page render needs: its reader, and their words (text, to be escaped where it goes). */
interface View {
  r: Reader;
  /** A message as text: escape it before it goes into HTML. */
  say(key: MessageKey, values?: Values): string;
  /** A message whose values are HTML already (escaped by the caller): goes into HTML as it is. */
  html(key: MessageKey, values?: Record<string, string | number>): string;
}

function viewOf(r: Reader): View {
  return {
    r,
    say: (key, values) => t(r.locale, key, values),
    html: (key, values) => htmlMessage(r.locale, key, values),
  };
}

/** How many times each task ran: a task that ran more than once names each run. */
function runCounts(d: ExecutionPageData): Map<string, number> {
  const runs = new Map<string, number>();
  for (const r of d.runs) runs.set(r.name, Math.max(runs.get(r.name) ?? 0, r.run));
  return runs;
}

/** The timeline's rows: each task run in order, a loop's items (the first ones) under it. */
export function timelineRows(d: ExecutionPageData, r: Reader): TimelineRow[] {
  const v = viewOf(r);
  const runs = runCounts(d);
  return d.runs.flatMap((run) => [
    {
      task: run.name,
      status: run.status,
      start: run.start,
      end: run.end,
      label: (runs.get(run.name) ?? 1) > 1 ? v.say('page:runN', { run: run.run }) : undefined,
      note: run.loop
        ? v.say('page:loopNote', { success: run.loop.success, total: run.loop.total, failed: run.loop.failed })
        : undefined,
    },
    ...(run.loop?.items ?? []).map((i) => ({
      task: run.name,
      status: i.status,
      start: i.start,
      end: i.end,
      item: i.index,
      label: i.item,
      href: i.childId && `/executions/${i.childId}`,
    })),
    ...(run.childId
      ? [
          {
            task: run.name,
            status: run.status,
            start: run.start,
            end: run.end,
            child: run.childId,
            label: v.say('page:childRow', { id: run.childId }),
            href: `/executions/${run.childId}`,
          },
        ]
      : []),
    // Each approval level under its task, its votes where they fell in time.
    ...(run.approval?.levels ?? []).map((l, i) => ({
      task: run.name,
      status: l.status,
      statusText: l.statusText,
      start: run.start,
      end: run.end,
      level: i,
      label: `${i + 1}. ${l.name} (${l.mode})`,
      note: l.pending.length ? v.say('page:waitingFor', { names: l.pending.join(', ') }) : undefined,
      marks: l.votes.map((vote) => ({
        at: Date.parse(vote.date),
        decision: vote.decision,
        voter: vote.voter,
        title: v.say('page:voteTitle', {
          voter: vote.voter,
          decision: vote.decision,
          when: showDate(vote.date, r),
          hasComment: vote.comment ? 'yes' : 'no',
          comment: vote.comment ?? '',
        }),
      })),
    })),
  ]);
}

function approvalHtml(a: ApprovalView, v: View): string {
  const { locale } = v.r;
  if (a.missing) return `<p class="muted">${v.html('page:ticketGone', { id: e(a.ticketId) })}</p>`;
  const rows = a.levels
    .map((l, i) => {
      const votes = l.votes
        .map(
          (vote) =>
            `${badge(vote.decision === 'AGREE' ? 'approved' : 'rejected', decisionWord(locale, vote.decision))} ` +
            `${e(vote.voter)} <small>${e(showDate(vote.date, v.r))}</small>` +
            (vote.comment ? v.html('page:quotedComment', { comment: e(vote.comment) }) : ''),
        )
        .join('<br>');
      return (
        `<tr data-level="${i}"><td>${i + 1}. ${e(l.name)}</td><td>${e(l.mode)}</td>` +
        `<td>${badge(l.status, l.statusText)}</td>` +
        `<td>${e(l.approvers.join(', '))}</td>` +
        `<td>${votes || `<span class="muted">${e(v.say('page:none'))}</span>`}</td>` +
        `<td>${l.pending.length ? e(l.pending.join(', ')) : ''}` +
        `${l.note ? ` <small>${e(l.note)}</small>` : ''}</td></tr>`
      );
    })
    .join('');
  const open = a.status === 'AUDITING';
  const tally = open && a.tally ? ` · ${e(v.say('page:onCurrentLevel', { tally: a.tally }))}` : '';
  const reason = a.reason && a.status !== 'APPROVED' ? ` · ${e(a.reason)}` : '';
  const cols = (['colLevel', 'colMode', 'colStatus', 'colAsked', 'colDecidedBy', 'colStillNeeded'] as const)
    .map((k) => `<th>${e(v.say(`page:${k}`))}</th>`)
    .join('');
  const status = a.status ? badge(a.status, ticketStatusWord(locale, a.status)) : badge('');
  return `<p>${v.html('page:ticketHead', { id: bold(a.ticketId) })} ${status}${tally}${reason}</p>
<div class="wide"><table class="levels"><tr>${cols}</tr>${rows}</table></div>`;
}

function loopHtml(l: LoopView, now: number, v: View): string {
  const rows = l.items
    .map(
      (i) =>
        `<tr><td>${i.index}</td><td>${e(i.item)}</td><td>${badge(i.status, statusWord(v.r.locale, i.status))}</td>` +
        `<td>${e(formatDuration((i.end ?? now) - i.start, v.r.locale))}</td>` +
        `<td>${i.childId ? link(i.childId) : ''}</td>` +
        `<td>${i.message ? `<span class="error">${e(i.message)}</span>` : ''}` +
        `${i.outputs ? `<pre>${e(i.outputs)}</pre>` : ''}</td></tr>`,
    )
    .join('');
  const cols = (['colIndex', 'colItem', 'colStatus', 'colTook', 'colChild', 'colResult'] as const)
    .map((k) => `<th>${e(v.say(`page:${k}`))}</th>`)
    .join('');
  const counts = v.html('page:itemCounts', { success: bold(l.success), failed: bold(l.failed), total: bold(l.total) });
  return `<p class="counts">${counts}</p>
${rows ? `<div class="wide"><table class="items"><tr>${cols}</tr>${rows}</table></div>` : ''}
${l.more ? `<p class="muted">${e(v.say('page:moreItems', { count: l.more }))}</p>` : ''}`;
}

function runHtml(run: RunView, now: number, runs: number, v: View): string {
  const took = formatDuration((run.end ?? now) - run.start, v.r.locale);
  const sofar = run.end === undefined ? v.say('page:soFar', { took }) : took;
  const started = v.say('page:startedAt', { when: showDate(run.start, v.r) });
  const ended = run.end !== undefined ? v.say('page:endedAt', { when: showDate(run.end, v.r) }) : '';
  const again = runs > 1 ? ` <small>${e(v.say('page:runN', { run: run.run }))}</small>` : '';
  return `<section class="task" id="run-${e(run.taskExecutionId)}">
<h3>${e(run.name)}${again} ${badge(run.status, statusWord(v.r.locale, run.status))} <small>${e(run.action)}</small></h3>
<p class="muted">${e(started)}${e(ended)} · ${e(sofar)}</p>
${run.message ? `<p class="error">${e(run.message)}</p>` : ''}
${run.childId ? `<p>${v.html('page:childExecution', { link: link(run.childId) })}</p>` : ''}
${run.approval ? approvalHtml(run.approval, v) : ''}
${run.loop ? loopHtml(run.loop, now, v) : ''}
${run.outputs ? `<details open><summary>${e(v.say('page:outputs'))}</summary>${pre(run.outputs)}</details>` : ''}
</section>`;
}

function childrenHtml(d: ExecutionPageData, v: View): string {
  if (!d.children.length) return '';
  const items = d.children
    .map(
      (c) =>
        `<li>${link(c.id)} ${c.templateName ? e(c.templateName) : ''} ` +
        (c.status
          ? badge(c.status, statusWord(v.r.locale, c.status))
          : `<span class="muted">${e(v.say('page:gone'))}</span>`) +
        '</li>',
    )
    .join('');
  const more =
    d.childCount > d.children.length
      ? `<p class="muted">${e(v.say('page:andMore', { count: d.childCount - d.children.length }))}</p>`
      : '';
  return `<h2>${e(v.say('page:childExecutions'))}</h2><ul>${items}</ul>${more}`;
}

function deliveriesHtml(d: ExecutionPageData, v: View): string {
  if (!d.deliveries.length) return '';
  const items = d.deliveries
    .map(
      (f) =>
        `<li>${e(
          v.say('page:deliveryFailed', {
            when: showDate(f.time, v.r),
            channel: v.say('common:deliveryChannel', { channel: f.channel }),
            ticket: f.ticketId,
            message: f.message,
          }),
        )}</li>`,
    )
    .join('');
  return `<h2>${e(v.say('page:failedNotifications'))}</h2><ul>${items}</ul>`;
}

/** The parts of the page that change while it runs; the live script swaps this in. */
export function executionFragment(d: ExecutionPageData, r: Reader): string {
  const v = viewOf(r);
  const most = runCounts(d);
  const took = formatDuration((d.endDate ? Date.parse(d.endDate) : d.now) - Date.parse(d.createDate), r.locale);
  const when = d.endDate
    ? v.say('page:endedAfter', { when: showDate(d.endDate, r), took })
    : v.say('page:runningFor', { took });
  const tasks = d.runs.length
    ? d.runs.map((run) => runHtml(run, d.now, most.get(run.name) ?? 1, v)).join('')
    : `<p class="muted">${e(v.say('page:noTaskYet'))}</p>`;
  const svg = timelineSvg(timelineRows(d, r), { now: d.now, locale: r.locale });
  const status = badge(d.status, statusWord(r.locale, d.status));
  return `<div class="fragment" data-exec-status="${e(d.status)}" data-version="${e(d.version)}">
<p id="status">${status} ${d.statusMessage ? e(d.statusMessage) : ''} <small>${e(when)}</small></p>
<h2>${e(v.say('page:timeline'))}</h2><div class="timeline">${svg}</div>
<h2>${e(v.say('page:tasks'))}</h2>${tasks}
${childrenHtml(d, v)}
${d.outputs ? `<h2>${e(v.say('page:outputs'))}</h2><pre>${e(d.outputs)}</pre>` : ''}
${deliveriesHtml(d, v)}
</div>`;
}

/** Where the run came from: the platform, and its channel when that says more than the platform. */
function originOf(d: ExecutionPageData, v: View): string {
  const { platform, channel } = d.origin;
  const where = v.say('page:origin', { platform });
  return channel && channel !== platform ? v.say('page:originChannel', { platform, where, channel }) : where;
}

/**
 * GET /executions/{id}: the whole page; the live script (scripts/execution-live.js) only while the
 * execution may change.
 */
export function executionPage(d: ExecutionPageData, r: Reader): string {
  const v = viewOf(r);
  const parameters =
    d.parameters === undefined
      ? `<p class="muted">${e(v.say('page:parametersHidden'))}</p>`
      : `<pre>${e(d.parameters)}</pre>`;
  const started = v.html('page:startedBy', {
    owner: bold(d.owner ?? v.say('page:unknown')),
    origin: e(originOf(d, v)),
    when: e(showDate(d.createDate, r)),
  });
  return pageShell(
    `${d.templateName} ${d.id}`,
    `<h1>${e(d.templateName)} <small>${e(d.templateVersion)}</small></h1>
${d.description ? `<p class="description">${e(d.description)}</p>\n` : ''}<p><b>${e(d.id)}</b>${
      d.parentId ? ` · ${v.html('page:childOf', { link: link(d.parentId) })}` : ''
    } · <a href="/executions/${encodeURIComponent(d.id)}/audit">${e(v.say('page:auditLink'))}</a></p>
<p>${started}</p>
<h2>${e(v.say('page:parameters'))}</h2>${parameters}
<div id="live" data-execution="${e(d.id)}">${executionFragment(d, r)}</div>
${isExecutionStatus(d.status) && isTerminal(d.status) ? '' : '<script src="/assets/execution-live.js"></script>'}`,
    r,
  );
}
