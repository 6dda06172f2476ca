import { type Locale, t } from '../../i18n/index.js';
import { escapeHtml as e } from '../../html.js';
import { formatDuration, statusWord } from './words.js';

export { formatDuration };

/** One bar of the timeline: a task execution, or one item of a loop task. */
export interface TimelineRow {
  task: string;
  status: string;
  /** The status as the reader reads it; the status itself when absent. */
  statusText?: string;
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
// Font sizes of the SVG_STYLE below: what fit() measures text with.
const NAME_PX = 12;
const ITEM_PX = 11;
const VOTER_PX = 10;
const SVG_STYLE = [
  'text{font:12px system-ui,sans-serif;fill:#202124}',
  '.item text{font-size:11px;fill:#5f6368}',
  '.axis{fill:#5f6368;font-size:11px}',
  '.tick{stroke:#e8eaed}',
  '.lane{stroke:#dadce0;stroke-dasharray:2 3}',
  '.voter{font-size:10px;fill:#5f6368}',
  'a text{fill:#1a73e8;text-decoration:underline}',
].join('');

/** One bar of the chart. */
function barRect(x: string, y: number, width: string, height: number, fill: string): string {
  // i18n-exempt: SVG markup
  return `<rect class="bar" x="${x}" y="${y}" width="${width}" height="${height}" rx="2" fill="${fill}"/>`;
}

/** About how wide `s` is drawn at `px` pixels a character: CJK and other wide characters a full em. */
export function textWidth(s: string, px: number): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]/.test(ch)
      ? px
      : /[A-Z@mwMW#%]/.test(ch)
        ? px * 0.75
        : px * 0.6;
  return w;
}

/** Text cut to what fits `room` pixels (the full text stays in the row's title). */
export function fit(s: string, room: number, px: number): string {
  if (textWidth(s, px) <= room) return s;
  const chars = [...s];
  while (chars.length && textWidth(`${chars.join('')}…`, px) > room) chars.pop();
  return `${chars.join('')}…`;
}

/**
 * The timeline as inline SVG: one row per entry, in the order given, each bar from its start to
 * its end (to `now` while it runs) on one time scale, coloured by status. Pure: same rows, same SVG.
 */
export function timelineSvg(rows: TimelineRow[], opts: { now: number; width?: number; locale?: Locale }): string {
  const locale = opts.locale ?? 'en';
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
        `${f === 0 ? '0' : e(formatDuration(f * span, locale))}</text>`
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
      const took = formatDuration(end - r.start, locale);
      const dur = r.end === undefined ? t(locale, 'page:soFar', { took }) : took;
      const shown = r.statusText ?? statusWord(locale, r.status);
      const name =
        r.item !== undefined
          ? `#${r.item}${r.label ? ` ${r.label}` : ''}`
          : sub
            ? (r.label ?? '')
            : `${r.task}${r.label ? ` (${r.label})` : ''}`;
      const what = r.item === undefined ? r.task : t(locale, 'page:itemOf', { task: r.task, item: r.item });
      const title =
        `${what}${r.label ? ` ${r.label}` : ''}: ${shown}` +
        `${r.level === undefined ? `, ${dur}` : ''}${r.note ? `, ${r.note}` : ''}`;
      const kind =
        r.item !== undefined ? 'item' : r.level !== undefined ? 'level' : r.child !== undefined ? 'child' : '';
      const cls = kind ? `row ${kind}` : 'row';
      const attrs =
        (r.item === undefined ? '' : ` data-item="${r.item}"`) +
        (r.level === undefined ? '' : ` data-level="${r.level}"`) +
        (r.child === undefined ? '' : ` data-child="${e(r.child)}"`);
      const bar =
        r.level !== undefined
          ? `<line x1="${LABEL_W}" y1="${h / 2}" x2="${LABEL_W + chart}" y2="${h / 2}" class="lane"/>`
          : barRect(n(bx), sub ? 3 : 4, n(bw), h - (sub ? 6 : 8), colour);
      // A voter's name right of its dot, else left of it; none where it would cover the one before.
      let free = LABEL_W;
      const marks = [...(r.marks ?? [])]
        .sort((a, b) => a.at - b.at)
        .map((m) => {
          const cx = x(m.at);
          const voter = fit(m.voter, 96, VOTER_PX);
          const w = textWidth(voter, VOTER_PX);
          const right = cx + 7 + w <= LABEL_W + chart;
          const tx = right ? cx + 7 : cx - 7 - w;
          const text = tx >= free ? `<text class="voter" x="${n(tx)}" y="${h / 2 + 4}">${e(voter)}</text>` : '';
          if (text) free = tx + w + 4;
          return (
            // i18n-exempt: SVG markup
            `<circle class="vote" data-voter="${e(m.voter)}" data-decision="${m.decision}" ` +
            `cx="${n(cx)}" cy="${h / 2}" r="5" ` +
            `fill="${m.decision === 'AGREE' ? STATUS_COLOURS.Success : STATUS_COLOURS.Failed}">` +
            `<title>${e(m.title)}</title></circle>${text}`
          );
        })
        .join('');
      const status = `${shown}${r.level === undefined ? ` · ${dur}` : ''}${r.note ? ` · ${r.note}` : ''}`;
      const nameX = sub ? 20 : 4;
      const label =
        `<text x="${nameX}" y="${h / 2 + 4}" class="name">` +
        `${e(fit(name, LABEL_W - nameX - 8, r.item !== undefined ? ITEM_PX : NAME_PX))}</text>`;
      const g =
        `<g class="${cls}" data-task="${e(r.task)}" data-status="${e(r.status)}"${attrs} ` +
        `transform="translate(0,${y})">` +
        `<title>${e(title)}</title>` +
        (r.href ? `<a href="${e(r.href)}">${label}</a>` : label) +
        bar +
        marks +
        `<text x="${width - TEXT_W + 8}" y="${h / 2 + 4}" class="dur">` +
        `${e(fit(status, TEXT_W - 12, NAME_PX))}</text></g>`;
      y += h;
      return g;
    })
    .join('');
  const height = y + 4;
  return (
    // i18n-exempt: SVG markup
    `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" ` +
    `aria-label="${e(t(locale, 'page:timelineLabel', { count: rows.length }))}">` +
    `<style>${SVG_STYLE}</style>` +
    `${ticks}${body}</svg>`
  );
}
