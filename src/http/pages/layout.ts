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
  '.timeline{overflow-x:auto}form.filters{display:flex;gap:.8rem;align-items:end;flex-wrap:wrap}' +
    'form.filters label{display:flex;flex-direction:column;font-size:12px}',
  'nav.top{font-size:13px;margin-bottom:1rem}',
].join('\n');

/**
 * One self-contained page: inline CSS, no outside resources (the CSP allows this site's scripts and
 * inline styles only).
 */
export function pageShell(title: string, body: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${e(title)} · opsgate</title><style>${CSS}</style>
<body><nav class="top"><a href="/">console</a> · <a href="/executions">executions</a></nav>${body}</body></html>`;
}

/** 2024-05-01 12:03:04 UTC, from ISO-8601 or epoch ms; what is not a date is shown as given. */
export function showDate(when?: string | number): string {
  if (when === undefined || when === '') return '';
  const t = typeof when === 'number' ? when : Date.parse(when);
  return Number.isNaN(t) ? String(when) : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function badge(status: string): string {
  return `<span class="badge ${e(status.replace(/[^A-Za-z0-9_-]+/g, '-'))}">${e(status)}</span>`;
}

/** The HTML answer to an unknown or malformed id: a page, with what was looked for. */
export function notFoundPage(title: string, why: string): string {
  return pageShell(title, `<h1>${e(title)}</h1><p>${e(why)}</p>`);
}
