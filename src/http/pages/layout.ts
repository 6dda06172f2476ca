import type { Reader } from '../../config/reader.js';
import { formatTime, t } from '../../i18n/index.js';
import { escapeHtml as e } from '../../html.js';

const CSS = [
  'body{font:14px system-ui,sans-serif;margin:2rem;max-width:72rem;color:#202124}',
  'a{color:#1a73e8}td,th{padding:.3rem .6rem;border-bottom:1px solid #e0e0e0;text-align:left;vertical-align:top}',
  'pre{background:#f6f6f6;padding:.6rem;overflow:auto;max-height:24rem}small,.muted{color:#5f6368}',
  '.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;color:#fff;background:#9aa0a6;font-size:12px}',
  '.Success,.approved,.AGREE,.APPROVED{background:#1e8e3e}' +
    '.Failed,.Cancelled,.rejected,.REJECT,.cancelled,.CANCEL{background:#d93025}',
  '.Waiting,.Running,.Queued,.active,.AUDITING{background:#f29900}.error{color:#b3261e;white-space:pre-wrap}',
  'section.task{border-top:1px solid #e0e0e0;padding:.4rem 0}section.task h3{margin:.4rem 0;font-size:15px}',
  '.timeline{overflow-x:auto;max-width:100%}form.filters{display:flex;gap:.8rem;align-items:end;flex-wrap:wrap}' +
    'form.filters label{display:flex;flex-direction:column;font-size:12px}',
  'nav.top{font-size:13px;margin-bottom:1rem}.wide{overflow-x:auto;max-width:100%}',
  // A phone: less margin, and wide parts (tables, the timeline, JSON) scroll inside the page, not the page.
  '@media (max-width:600px){body{margin:.8rem}pre{white-space:pre-wrap;word-break:break-all}}',
].join('\n');

/**
 * One self-contained page in its reader's language: inline CSS, no outside resources (the CSP allows
 * this site's scripts and inline styles only).
 */
export function pageShell(title: string, body: string, r: Pick<Reader, 'locale'>): string {
  const nav = `<a href="/">${e(t(r.locale, 'page:navConsole'))}</a> · <a href="/executions">${e(
    t(r.locale, 'page:navExecutions'),
  )}</a>`;
  return `<!doctype html><html lang="${r.locale}"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} · opsgate</title><style>${CSS}</style>
<body><nav class="top">${nav}</nav>${body}</body></html>`;
}

/** A moment in the reader's language and zone, the zone named; what is not a date is shown as given. */
export function showDate(when: string | number | undefined, r: Reader): string {
  if (when === undefined || when === '') return '';
  const ms = typeof when === 'number' ? when : Date.parse(when);
  return Number.isNaN(ms) ? String(when) : formatTime(ms, r.locale, r.timeZone);
}

/** A status as a coloured badge: its class is the status itself, its text what the reader reads. */
export function badge(status: string, text = status): string {
  return `<span class="badge ${e(status.replace(/[^A-Za-z0-9_-]+/g, '-'))}">${e(text)}</span>`;
}

/** The HTML answer to an unknown or malformed id: a page, with what was looked for. */
export function notFoundPage(title: string, why: string, r: Pick<Reader, 'locale'>): string {
  return pageShell(title, `<h1>${e(title)}</h1><p>${e(why)}</p>`, r);
}
