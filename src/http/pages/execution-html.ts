import { isExecutionStatus, isTerminal } from '../../engine/status.js';
import { escapeHtml as e } from '../../html.js';
import type { ApprovalView, ExecutionPageData, LoopView, RunView } from './execution-data.js';
import { badge, pageShell, showDate } from './layout.js';
import { formatDuration, timelineSvg, type TimelineRow } from './timeline-svg.js';

const link = (id: string) => `<a href="/executions/${e(id)}">${e(id)}</a>`;

/** How many times each task ran: a task that ran more than once names each run. */
function runCounts(d: ExecutionPageData): Map<string, number> {
  const runs = new Map<string, number>();
  for (const r of d.runs) runs.set(r.name, Math.max(runs.get(r.name) ?? 0, r.run));
  return runs;
}

/** The timeline's rows: each task run in order, a loop's items (the first ones) under it. */
export function timelineRows(d: ExecutionPageData): TimelineRow[] {
  const runs = runCounts(d);
  return d.runs.flatMap((r) => [
    {
      task: r.name,
      status: r.status,
      start: r.start,
      end: r.end,
      label: (runs.get(r.name) ?? 1) > 1 ? `run ${r.run}` : undefined,
      note: r.loop ? `${r.loop.success} of ${r.loop.total} ok, ${r.loop.failed} failed` : undefined,
    },
    ...(r.loop?.items ?? []).map((i) => ({
      task: r.name,
      status: i.status,
      start: i.start,
      end: i.end,
      item: i.index,
      label: i.item,
      href: i.childId && `/executions/${i.childId}`,
    })),
    ...(r.childId
      ? [
          {
            task: r.name,
            status: r.status,
            start: r.start,
            end: r.end,
            child: r.childId,
            label: `child ${r.childId}`,
            href: `/executions/${r.childId}`,
          },
        ]
      : []),
    // Each approval level under its task, its votes where they fell in time.
    ...(r.approval?.levels ?? []).map((l, i) => ({
      task: r.name,
      status: l.status,
      start: r.start,
      end: r.end,
      level: i,
      label: `${i + 1}. ${l.name} (${l.mode})`,
      note: l.pending.length ? `waiting for ${l.pending.join(', ')}` : undefined,
      marks: l.votes.map((v) => ({
        at: Date.parse(v.date),
        decision: v.decision,
        voter: v.voter,
        title:
          `${v.voter} ${v.decision === 'AGREE' ? 'approved' : 'rejected'} at ${showDate(v.date)}` +
          (v.comment ? `: ${v.comment}` : ''),
      })),
    })),
  ]);
}

function approvalHtml(a: ApprovalView): string {
  if (a.missing) return `<p class="muted">Approval ticket ${e(a.ticketId)} is gone.</p>`;
  const rows = a.levels
    .map((l, i) => {
      const votes = l.votes
        .map(
          (v) =>
            `${badge(v.decision === 'AGREE' ? 'approved' : 'rejected')} ${e(v.voter)} ` +
            `<small>${e(showDate(v.date))}</small>` +
            (v.comment ? `: “${e(v.comment)}”` : ''),
        )
        .join('<br>');
      return (
        `<tr data-level="${i}"><td>${i + 1}. ${e(l.name)}</td><td>${e(l.mode)}</td><td>${badge(l.status)}</td>` +
        `<td>${e(l.approvers.join(', '))}</td>` +
        `<td>${votes || '<span class="muted">none</span>'}</td><td>${l.pending.length ? e(l.pending.join(', ')) : ''}` +
        `${l.note ? ` <small>${e(l.note)}</small>` : ''}</td></tr>`
      );
    })
    .join('');
  const open = a.status === 'AUDITING';
  const tally = open ? ` · ${e(a.tally ?? '')} approvals on the current level` : '';
  const reason = a.reason && a.status !== 'APPROVED' ? ` · ${e(a.reason)}` : '';
  const head =
    '<tr><th>level</th><th>mode</th><th>status</th><th>asked</th><th>decided by</th><th>still needed</th></tr>';
  return `<p>Approval ticket <b>${e(a.ticketId)}</b> ${badge(a.status ?? '')}${tally}${reason}</p>
<table class="levels">${head}${rows}</table>`;
}

function loopHtml(l: LoopView, now: number): string {
  const rows = l.items
    .map(
      (i) =>
        `<tr><td>${i.index}</td><td>${e(i.item)}</td><td>${badge(i.status)}</td>` +
        `<td>${e(formatDuration((i.end ?? now) - i.start))}</td><td>${i.childId ? link(i.childId) : ''}</td>` +
        `<td>${i.message ? `<span class="error">${e(i.message)}</span>` : ''}` +
        `${i.outputs ? `<pre>${e(i.outputs)}</pre>` : ''}</td></tr>`,
    )
    .join('');
  const head = '<tr><th>#</th><th>item</th><th>status</th><th>took</th><th>child</th><th>result</th></tr>';
  const counts = `Items: <b>${l.success}</b> succeeded, <b>${l.failed}</b> failed, <b>${l.total}</b> in all`;
  return `<p class="counts">${counts}</p>
${rows ? `<table class="items">${head}${rows}</table>` : ''}
${l.more ? `<p class="muted">and ${l.more} more items not shown</p>` : ''}`;
}

function runHtml(r: RunView, now: number, runs: number): string {
  const took = formatDuration((r.end ?? now) - r.start) + (r.end === undefined ? ' so far' : '');
  const ended = r.end !== undefined ? `, ended ${e(showDate(r.end))}` : '';
  return `<section class="task" id="run-${e(r.taskExecutionId)}">
<h3>${e(r.name)}${runs > 1 ? ` <small>run ${r.run}</small>` : ''} ${badge(r.status)} <small>${e(r.action)}</small></h3>
<p class="muted">started ${e(showDate(r.start))}${ended} · ${e(took)}</p>
${r.message ? `<p class="error">${e(r.message)}</p>` : ''}
${r.childId ? `<p>Child execution ${link(r.childId)}</p>` : ''}
${r.approval ? approvalHtml(r.approval) : ''}
${r.loop ? loopHtml(r.loop, now) : ''}
${r.outputs ? `<details open><summary>Outputs</summary><pre>${e(r.outputs)}</pre></details>` : ''}
</section>`;
}

function childrenHtml(d: ExecutionPageData): string {
  if (!d.children.length) return '';
  const items = d.children
    .map(
      (c) =>
        `<li>${link(c.id)} ${c.templateName ? e(c.templateName) : ''} ` +
        `${c.status ? badge(c.status) : '<span class="muted">gone</span>'}</li>`,
    )
    .join('');
  const more =
    d.childCount > d.children.length ? `<p class="muted">and ${d.childCount - d.children.length} more</p>` : '';
  return `<h2>Child executions</h2><ul>${items}</ul>${more}`;
}

function deliveriesHtml(d: ExecutionPageData): string {
  if (!d.deliveries.length) return '';
  const items = d.deliveries
    .map((f) => `<li>${e(f.time)} ${e(f.channel)} (approval ${e(f.ticketId)}): ${e(f.message)}</li>`)
    .join('');
  return `<h2>Notifications that failed</h2><ul>${items}</ul>`;
}

/** The parts of the page that change while it runs; the live script swaps this in. */
export function executionFragment(d: ExecutionPageData): string {
  const most = runCounts(d);
  const took = formatDuration((d.endDate ? Date.parse(d.endDate) : d.now) - Date.parse(d.createDate));
  const when = d.endDate ? `ended ${e(showDate(d.endDate))} after ${e(took)}` : `running for ${e(took)}`;
  const tasks = d.runs.length
    ? d.runs.map((r) => runHtml(r, d.now, most.get(r.name) ?? 1)).join('')
    : '<p class="muted">No task has started yet.</p>';
  return `<div class="fragment" data-exec-status="${e(d.status)}" data-version="${e(d.version)}">
<p id="status">${badge(d.status)} ${d.statusMessage ? e(d.statusMessage) : ''} <small>${when}</small></p>
<h2>Timeline</h2><div class="timeline">${timelineSvg(timelineRows(d), { now: d.now })}</div>
<h2>Tasks</h2>${tasks}
${childrenHtml(d)}
${d.outputs ? `<h2>Outputs</h2><pre>${e(d.outputs)}</pre>` : ''}
${deliveriesHtml(d)}
</div>`;
}

/**
 * GET /executions/{id}: the whole page; the live script (scripts/execution-live.js) only while the
 * execution may change.
 */
export function executionPage(d: ExecutionPageData): string {
  const parameters =
    d.parameters === undefined
      ? '<p class="muted">(not shown: the template is gone, so nothing says which values are secret)</p>'
      : `<pre>${e(d.parameters)}</pre>`;
  return pageShell(
    `${d.templateName} ${d.id}`,
    `<h1>${e(d.templateName)} <small>${e(d.templateVersion)}</small></h1>
<p><b>${e(d.id)}</b>${d.parentId ? ` · child of ${link(d.parentId)}` : ''} · ` +
      `<a href="/executions/${encodeURIComponent(d.id)}/audit">approval audit (CSV)</a></p>
<p>Started by <b>${e(d.owner ?? 'unknown')}</b> from ${e(d.origin)} at ${e(showDate(d.createDate))}</p>
<h2>Parameters</h2>${parameters}
<div id="live" data-execution="${e(d.id)}">${executionFragment(d)}</div>
${isExecutionStatus(d.status) && isTerminal(d.status) ? '' : '<script src="/assets/execution-live.js"></script>'}`,
  );
}
