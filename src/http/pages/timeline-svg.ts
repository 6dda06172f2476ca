import { escapeHtml as e } from '../../html.js';

/** One bar of the timeline: a task execution, or one item of a loop task. */
export interface TimelineRow {
  task: string;
  status: string;
  /** Epoch milliseconds. */
  start: number;
  /** Absent while it runs or waits: the bar then reaches `now`. */
  end?: number;
  /** Said after the name: "run 2", a loop item's value. */
  label?: string;
  /** A loop item's index: drawn smaller, under its task. */
  item?: number;
  /** Said after the duration: a loop's counts. */
  note?: string;
  /** An approval level under its task: no bar of its own, its votes as marks at their times. */
  level?: number;
  /** Votes on the time axis: a dot each, green for an approval, red for a rejection. */
  marks?: { at: number; decision: 'AGREE' | 'REJECT'; voter: string; title: string }[];
  /** A child execution's id: a row under its task. */
  child?: string;
  /** A child execution's page: the row links to it. */
  href?: string;
}

export const STATUS_COLOURS: Record<string, string> = {
  Success: '#1e8e3e',
  Failed: '#d93025',
  Cancelled: '#d93025',
  Waiting: '#f29900',
  Running: '#f29900',
  Skipped: '#9aa0a6',
};
const OTHER = '#9aa0a6';

const LABEL_W = 240;
const TEXT_W = 230;
const TASK_H = 24;
const ITEM_H = 16;
const AXIS_H = 22;
const SVG_STYLE = [
  'text{font:12px system-ui,sans-serif;fill:#202124}',
  '.item text{font-size:11px;fill:#5f6368}',
  '.axis{fill:#5f6368;font-size:11px}',
  '.tick{stroke:#e8eaed}',
  '.lane{stroke:#dadce0;stroke-dasharray:2 3}',
  '.voter{font-size:10px;fill:#5f6368}',
  'a text{fill:#1a73e8;text-decoration:underline}',
].join('');

/** 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A name cut to what fits its column (the full text stays in the row's title). */
function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * The timeline as inline SVG: one row per entry, in the order given, each bar from its start to
 * its end (to `now` while it runs) on one time scale, coloured by status. Pure: same rows, same SVG.
 */
export function timelineSvg(rows: TimelineRow[], opts: { now: number; width?: number }): string {
  const width = Math.max(opts.width ?? 960, LABEL_W + TEXT_W + 100);
  const chart = width - LABEL_W - TEXT_W;
  const endOf = (r: TimelineRow) => Math.max(r.end ?? opts.now, r.start);
  const t0 = rows.length ? Math.min(...rows.map((r) => r.start)) : opts.now;
  const t1 = rows.length
    ? Math.max(...rows.map(endOf), ...rows.flatMap((r) => (r.marks ?? []).map((m) => m.at)))
    : opts.now;
  const span = Math.max(t1 - t0, 1);
  const x = (t: number) => LABEL_W + ((t - t0) / span) * chart;
  const n = (v: number) => String(Math.round(v * 100) / 100);

  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const tx = LABEL_W + f * chart;
      const anchor = f === 0 ? 'start' : f === 1 ? 'end' : 'middle';
      return (
        `<line x1="${n(tx)}" y1="${AXIS_H - 4}" x2="${n(tx)}" y2="100%" class="tick"/>` +
        `<text x="${n(tx)}" y="12" text-anchor="${anchor}" class="axis">` +
        `${f === 0 ? '0' : e(formatDuration(f * span))}</text>`
      );
    })
    .join('');

  let y = AXIS_H;
  const body = rows
    .map((r) => {
      const sub = r.item !== undefined || r.level !== undefined || r.child !== undefined;
      const h = sub ? ITEM_H : TASK_H;
      const colour = STATUS_COLOURS[r.status] ?? OTHER;
      const end = endOf(r);
      const bx = x(r.start);
      const bw = Math.max(x(end) - bx, 1);
      const dur = formatDuration(end - r.start) + (r.end === undefined ? ' so far' : '');
      const name =
        r.item !== undefined
          ? `#${r.item}${r.label ? ` ${r.label}` : ''}`
          : sub
            ? (r.label ?? '')
            : `${r.task}${r.label ? ` (${r.label})` : ''}`;
      const title =
        `${r.task}${r.item === undefined ? '' : ` item ${r.item}`}${r.label ? ` ${r.label}` : ''}: ${r.status}` +
        `${r.level === undefined ? `, ${dur}` : ''}${r.note ? `, ${r.note}` : ''}`;
      const cls =
        r.item !== undefined
          ? 'row item'
          : r.level !== undefined
            ? 'row level'
            : r.child !== undefined
              ? 'row child'
              : 'row';
      const attrs =
        (r.item === undefined ? '' : ` data-item="${r.item}"`) +
        (r.level === undefined ? '' : ` data-level="${r.level}"`) +
        (r.child === undefined ? '' : ` data-child="${e(r.child)}"`);
      const bar =
        r.level !== undefined
          ? `<line x1="${LABEL_W}" y1="${h / 2}" x2="${LABEL_W + chart}" y2="${h / 2}" class="lane"/>`
          : `<rect class="bar" x="${n(bx)}" y="${sub ? 3 : 4}" width="${n(bw)}" height="${h - (sub ? 6 : 8)}" ` +
            `rx="2" fill="${colour}"/>`;
      const marks = (r.marks ?? [])
        .map(
          (m) =>
            `<circle class="vote" data-voter="${e(m.voter)}" data-decision="${m.decision}" ` +
            `cx="${n(x(m.at))}" cy="${h / 2}" r="5" ` +
            `fill="${m.decision === 'AGREE' ? STATUS_COLOURS.Success : STATUS_COLOURS.Failed}">` +
            `<title>${e(m.title)}</title></circle>` +
            `<text class="voter" x="${n(x(m.at) + 7)}" y="${h / 2 + 4}">${e(cut(m.voter, 16))}</text>`,
        )
        .join('');
      const status = `${r.status}${r.level === undefined ? ` · ${dur}` : ''}${r.note ? ` · ${r.note}` : ''}`;
      const label = `<text x="${sub ? 20 : 4}" y="${h / 2 + 4}" class="name">${e(cut(name, sub ? 30 : 34))}</text>`;
      const g =
        `<g class="${cls}" data-task="${e(r.task)}" data-status="${e(r.status)}"${attrs} ` +
        `transform="translate(0,${y})">` +
        `<title>${e(title)}</title>` +
        (r.href ? `<a href="${e(r.href)}">${label}</a>` : label) +
        bar +
        marks +
        `<text x="${width - TEXT_W + 8}" y="${h / 2 + 4}" class="dur">${e(cut(status, 44))}</text></g>`;
      y += h;
      return g;
    })
    .join('');
  const height = y + 4;
  return (
    `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of ${rows.length} task executions">` +
    `<style>${SVG_STYLE}</style>` +
    `${ticks}${body}</svg>`
  );
}
