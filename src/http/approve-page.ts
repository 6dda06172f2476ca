import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Directory } from '../config/directory.js';
import type { Reader } from '../config/reader.js';
import type { ApprovalService, VoteResult } from '../core/approval-service.js';
import { executionMasker } from '../engine/mask.js';
import { TicketNotFoundError } from '../errors.js';
import { linkUsed, readLink, releaseLink, useLink, type LinkPayload } from '../notify/approval-links.js';
import { approvalCard, buttonLabel } from '../approval/card.js';
import type { Ticket } from '../approval/ticket.js';
import type { ExecutionStore } from '../store/executions.js';
import type { Keys } from '../store/keys.js';
import type { TemplateStore } from '../store/templates.js';
import { escapeHtml as e } from '../html.js';
import { type Locale, type Msg, msg, render, t, translator } from '../i18n/index.js';
import { approvalView, NOT_REACHED } from './pages/approval-view.js';
import { htmlMessage } from './pages/html-message.js';
import { showDate } from './pages/layout.js';
import { decisionWord, statusWord } from './pages/words.js';
import { type ReaderDefaults, requestReader } from './reader.js';
import { readForm, sendPage as page } from './respond.js';
import type { Route } from './server.js';

export interface ApprovePageDeps {
  approvals: ApprovalService;
  directory: Directory;
  executions: ExecutionStore;
  templates: TemplateStore;
  redis: Redis;
  keys: Pick<Keys, 'usedApprovalLink'>;
  secret: () => Promise<string>;
  publicUrl: string;
  /** OPSGATE_LOCALE and OPSGATE_TIMEZONE, for an approver the directory says nothing of. */
  defaults?: ReaderDefaults;
}

/** Why: a message, a text said already, or (a decided ticket's outcome) words made for the reader. */
type Why = Msg | string | ((r: Reader) => string);
type Refusal = { status: number; title: Msg; why: Why; ticket?: Ticket; approver?: string };
type Checked = { ok: true; link: LinkPayload; ticket: Ticket } | ({ ok: false } & Refusal);

const PATH = /^\/approve\/([A-Za-z0-9_.-]{1,2000})$/;
const MAX_COMMENT = 1000;

/**
 * The page a mail link opens. The token in the URL is the credential (it names the one approver
 * it votes as), so no session or CSRF token is needed: a cross-site form cannot know it. GET only
 * shows (mail scanners and previews follow links); the vote is a POST from the page's form, and
 * goes through ApprovalService.vote like every other channel.
 */
export function approvePageRoutes(deps: ApprovePageDeps): Route[] {
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  // The approver's language (the link names them), else the browser's, else the deployment's.
  const readerFor = (req: IncomingMessage, approver?: string) =>
    requestReader(req, approver ? deps.directory.user(approver) : undefined, deps.defaults);
  // The approval's words (title, tally, levels, outcome, buttons) are its card's, as chat and mail say them.
  const cardFor = (ticket: Ticket, r: Reader) =>
    approvalCard(ticket, publicUrl, { locale: r.locale, timeZone: r.timeZone });
  const outcomeOf = (ticket: Ticket) => (r: Reader) => cardFor(ticket, r).outcome ?? '';

  /** Valid, unused, and for an open ticket; otherwise why not, with the HTTP status to say it with. */
  async function check(token: string): Promise<Checked> {
    const read = readLink(await deps.secret(), token);
    if (!read.ok) {
      return read.reason === 'expired'
        ? { ok: false, status: 410, title: msg('http:linkExpired'), why: msg('http:linkExpiredWhy') }
        : {
            ok: false,
            status: 400,
            title: msg('http:linkInvalid'),
            why: msg(read.reason === 'forged' ? 'http:linkForged' : 'http:linkIncomplete'),
          };
    }
    let ticket: Ticket;
    try {
      ticket = await deps.approvals.get(read.payload.ticketId);
    } catch (err) {
      if (err instanceof TicketNotFoundError)
        return {
          ok: false,
          status: 404,
          title: msg('http:noSuchApproval'),
          why: msg('http:noSuchApprovalWhy', { id: read.payload.ticketId }),
          approver: read.payload.approver,
        };
      throw err;
    }
    const approver = read.payload.approver;
    if (await linkUsed(deps.redis, deps.keys, token))
      return { ok: false, status: 410, title: msg('http:linkUsed'), why: msg('http:linkUsedWhy'), ticket, approver };
    if (ticket.status !== 'AUDITING')
      return { ok: false, status: 409, title: msg('http:alreadyDecided'), why: outcomeOf(ticket), ticket, approver };
    return { ok: true, link: read.payload, ticket };
  }

  return [
    {
      method: 'GET',
      path: PATH,
      async handle(req, res, [token]) {
        const c = await check(token!);
        if (!c.ok) {
          const r = readerFor(req, c.approver);
          return refuse(res, c, await details(c.ticket, r), r);
        }
        const r = readerFor(req, c.link.approver);
        const pre = new URL(req.url ?? '/', 'http://x').searchParams.get('decision');
        const voted = c.ticket.votes.find((v) => v.voter === c.link.approver);
        const note = voted
          ? t(r.locale, 'http:alreadyVoted', { name: c.link.approver })
          : !c.ticket.approvers.includes(c.link.approver)
            ? t(r.locale, 'http:notAsked', { name: c.link.approver })
            : '';
        await page(
          res,
          200,
          c.ticket.title,
          `${await details(c.ticket, r)}
${note ? `<p class="warn">${e(note)}</p>` : form(c.link.approver, r, chosen(pre))}`,
          r.locale,
        );
      },
    },
    {
      method: 'POST',
      path: PATH,
      async handle(req, res, [token]) {
        const body = await readForm(req);
        const decision = body.get('decision');
        if (decision !== 'approve' && decision !== 'reject') {
          const r = readerFor(req);
          return refuse(res, { status: 400, title: msg('http:chooseDecision'), why: msg('http:noDecision') }, '', r);
        }
        const comment = (body.get('comment') ?? '').trim().slice(0, MAX_COMMENT) || undefined;
        const c = await check(token!);
        if (!c.ok) {
          const r = readerFor(req, c.approver);
          return refuse(res, c, await details(c.ticket, r), r);
        }
        const r = readerFor(req, c.link.approver);
        // Marked before voting: of two concurrent POSTs only one gets to vote.
        if (!(await useLink(deps.redis, deps.keys, token!))) {
          return refuse(
            res,
            { status: 410, title: msg('http:linkUsed'), why: msg('http:linkUsedWhy') },
            await details(c.ticket, r),
            r,
          );
        }
        const v = await deps.approvals.vote(
          c.ticket.id,
          deps.directory.user(c.link.approver),
          decision === 'approve' ? 'AGREE' : 'REJECT',
          comment,
          'mail',
        );
        const ticket = v.ticket ?? (await deps.approvals.get(c.ticket.id));
        const said = voteMessageIn(v, r.locale);
        if (v.outcome === 'recorded' || v.outcome === 'decided') {
          const title = t(r.locale, 'http:voteRecorded');
          return page(res, 200, title, `<p class="ok">${e(said)}</p>${await details(ticket, r)}`, r.locale);
        }
        // Refused by the ticket: nothing changed, so the link is given back.
        await releaseLink(deps.redis, deps.keys, token!);
        const status = v.outcome === 'missing' ? 404 : v.outcome === 'closed' || v.outcome === 'duplicate' ? 409 : 403;
        return refuse(res, { status, title: msg('http:voteNotRecorded'), why: said }, await details(ticket, r), r);
      },
    },
  ];

  async function details(ticket: Ticket | undefined, r: Reader): Promise<string> {
    if (!ticket) return '';
    const say = translator(r.locale);
    const card = cardFor(ticket, r);
    const waiting = card.level ? say('http:waitingAt', { level: card.level }) : say('http:waiting');
    const rows: [string, string][] = [
      [say('http:requestedBy'), ticket.requester ?? say('page:unknown')],
      [say('http:opened'), showDate(ticket.createDate, r)],
      [say('http:status'), card.outcome ?? waiting],
      [say('http:tally'), card.tally],
      ...(card.pending.length ? [[say('http:stillNeeded'), card.pending.join(', ')] as [string, string]] : []),
    ];
    const levels = approvalView(ticket, r)
      .levels.map(
        (l, i) =>
          `<tr><td>${i + 1}. ${e(l.name)}</td><td>${e(l.mode)}</td>` +
          `<td class="${e(l.status === NOT_REACHED ? 'pending' : l.status)}">${e(l.statusText)}</td>` +
          `<td>${e(l.approvers.join(', '))}</td><td>${e(l.note ?? '')}</td></tr>`,
      )
      .join('');
    const votes = ticket.votes
      .map(
        (v) =>
          `<li>${e(v.voter)}: ${e(decisionWord(r.locale, v.decision))}` +
          `${v.comment ? ` — ${e(v.comment)}` : ''} <small>${e(showDate(v.date, r))}</small></li>`,
      )
      .join('');
    const cols = (['colLevel', 'colMode', 'colStatus', 'colApprovers', 'colNote'] as const)
      .map((k) => `<th>${e(say(k === 'colApprovers' || k === 'colNote' ? `http:${k}` : `page:${k}`))}</th>`)
      .join('');
    return `<h1>${e(card.title)}</h1><p>${e(render(ticket.descriptionText ?? ticket.description, r.locale))}</p>
<table>${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
${await whatRuns(ticket, r)}
<h2>${e(say('http:levels'))}</h2><table><tr>${cols}</tr>${levels}</table>
${votes ? `<h2>${e(say('http:votes'))}</h2><ul>${votes}</ul>` : ''}`;
  }

  /** The template, task and parameters (NoEcho masked) the approval lets run. */
  async function whatRuns(ticket: Ticket, r: Reader): Promise<string> {
    const say = translator(r.locale);
    if (!ticket.executionId)
      return ticket.reasons.length
        ? `<h2>${e(say('http:why'))}</h2><ul>${ticket.reasons.map((x) => `<li>${e(x)}</li>`).join('')}</ul>`
        : '';
    const executionUrl = `${publicUrl}/executions/${ticket.executionId}`;
    const exec = await deps.executions.find(ticket.executionId);
    let params = `<p>${e(say('http:parametersGone'))}</p>`;
    if (exec) {
      // Without its template (or the names recorded at start) nothing says which values are secret:
      // then none is shown.
      const tpl = await deps.templates.get(exec.templateName, exec.templateVersion).catch(() => undefined);
      if (tpl || exec.noEcho) {
        const masked = executionMasker(exec, tpl?.template).parameters(exec.parameters);
        params = `<pre>${e(JSON.stringify(masked, null, 2))}</pre>`;
      }
    }
    const version = exec ? ` ${e(exec.templateVersion)}` : '';
    const sentence = htmlMessage(
      r.locale,
      'http:whatRunsLine',
      {
        template: `<b>${e(ticket.templateName ?? exec?.templateName ?? '?')}</b>${version}`,
        task: `<b>${e(ticket.taskName ?? '?')}</b>`,
        execution: `<a href="${e(executionUrl)}" rel="noreferrer">${e(ticket.executionId)}</a>`,
      },
      { hasStatus: exec ? 'yes' : 'no', status: statusWord(r.locale, exec?.status ?? '') },
    );
    return `<h2>${e(say('http:whatRuns'))}</h2><p>${sentence}</p>
<h3>${e(say('page:parameters'))}</h3>${params}`;
  }
}

/** What the vote said, in the reader's language when it carries its catalogue text. */
function voteMessageIn(v: VoteResult & { text?: Msg }, locale: Locale): string {
  return v.text ? render(v.text, locale) : v.message;
}

/** The decision a mail's button chose, if any. */
function chosen(pre: string | null): 'approve' | 'reject' | undefined {
  return pre === 'reject' ? 'reject' : pre === 'approve' ? 'approve' : undefined;
}

/** The vote's form: the card's buttons (their labels the card's), each a submit of its decision. */
function form(approver: string, r: Reader, preselected?: 'approve' | 'reject'): string {
  const say = translator(r.locale);
  const label = (d: 'approve' | 'reject') => buttonLabel(d, r.locale);
  const btn = (d: 'approve' | 'reject') =>
    `<button name="decision" value="${d}" class="${d}"${preselected === d ? ' autofocus' : ''}>${e(label(d))}</button>`;
  // No action attribute: the form posts back to this very URL, token included.
  const choice = preselected
    ? ` ${htmlMessage(r.locale, 'http:youChose', { choice: `<b>${e(label(preselected))}</b>` })}`
    : '';
  const who = htmlMessage(r.locale, 'http:youVoteAs', { name: `<b>${e(approver)}</b>` });
  const comment = `<textarea name="comment" rows="3" cols="60" maxlength="${MAX_COMMENT}"></textarea>`;
  return `<form method="post"><h2>${e(say('http:yourDecision'))}</h2><p>${who}${choice}</p>
<p><label>${e(say('http:commentOptional'))}<br>${comment}</label></p>
<p>${btn('approve')} ${btn('reject')}</p></form>`;
}

function refuse(res: ServerResponse, x: Refusal, detailsHtml: string, r: Reader): Promise<void> {
  const title = render(x.title, r.locale);
  return page(
    res,
    x.status,
    title,
    `<h1>${e(title)}</h1><p class="warn">${e(typeof x.why === 'function' ? x.why(r) : render(x.why, r.locale))}</p>` +
      `<p>${e(t(r.locale, 'http:nothingChanged'))}</p>` +
      (detailsHtml ? `<hr>${detailsHtml}` : ''),
    r.locale,
  );
}
