import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { approvalCard } from '../approval/card.js';
import type { Directory } from '../config/directory.js';
import type { ApprovalService } from '../core/approval-service.js';
import { executionMasker } from '../engine/mask.js';
import { TicketNotFoundError } from '../errors.js';
import { linkUsed, readLink, releaseLink, useLink, type LinkPayload } from '../notify/approval-links.js';
import { activeLevel } from '../notify/approval-mail.js';
import type { Ticket } from '../approval/ticket.js';
import type { ExecutionStore } from '../store/executions.js';
import type { Keys } from '../store/keys.js';
import type { TemplateStore } from '../store/templates.js';
import { escapeHtml as e } from '../html.js';
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
}

type Refusal = { status: number; title: string; why: string; ticket?: Ticket };
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

  /** Valid, unused, and for an open ticket; otherwise why not, with the HTTP status to say it with. */
  async function check(token: string): Promise<Checked> {
    const read = readLink(await deps.secret(), token);
    if (!read.ok) {
      return read.reason === 'expired'
        ? {
            ok: false,
            status: 410,
            title: 'This link has expired',
            why:
              'Approval links stop working when their ticket times out (or after 7 days). ' +
              'Ask for the approval to be sent again.',
          }
        : {
            ok: false,
            status: 400,
            title: 'This link is not valid',
            why:
              read.reason === 'forged'
                ? 'It was not made by opsgate, or it was changed after it was sent.'
                : 'It is incomplete: copy the whole link from the mail.',
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
          title: 'No such approval',
          why: `Approval ticket ${read.payload.ticketId} does not exist (any more).`,
        };
      throw err;
    }
    if (await linkUsed(deps.redis, deps.keys, token))
      return {
        ok: false,
        status: 410,
        title: 'This link was already used',
        why: 'Each approval link works once.',
        ticket,
      };
    if (ticket.status !== 'AUDITING')
      return {
        ok: false,
        status: 409,
        title: 'This approval is already decided',
        why: approvalCard(ticket, publicUrl).outcome ?? '',
        ticket,
      };
    return { ok: true, link: read.payload, ticket };
  }

  return [
    {
      method: 'GET',
      path: PATH,
      async handle(req, res, [token]) {
        const c = await check(token!);
        if (!c.ok) return refuse(res, c, await details(c.ticket));
        const pre = new URL(req.url ?? '/', 'http://x').searchParams.get('decision');
        const voted = c.ticket.votes.find((v) => v.voter === c.link.approver);
        const note = voted
          ? `${c.link.approver} already voted on this approval.`
          : !c.ticket.approvers.includes(c.link.approver)
            ? `${c.link.approver} is not asked at the current level of this approval.`
            : '';
        await page(
          res,
          200,
          c.ticket.title,
          `${await details(c.ticket)}
${note ? `<p class="warn">${e(note)}</p>` : form(c.link.approver, chosen(pre))}`,
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
          return refuse(
            res,
            {
              status: 400,
              title: 'Choose Approve or Reject',
              why: 'The form was sent without a decision; nothing was recorded.',
            },
            '',
          );
        }
        const comment = (body.get('comment') ?? '').trim().slice(0, MAX_COMMENT) || undefined;
        const c = await check(token!);
        if (!c.ok) return refuse(res, c, await details(c.ticket));
        // Marked before voting: of two concurrent POSTs only one gets to vote.
        if (!(await useLink(deps.redis, deps.keys, token!))) {
          return refuse(
            res,
            { status: 410, title: 'This link was already used', why: 'Each approval link works once.' },
            await details(c.ticket),
          );
        }
        const r = await deps.approvals.vote(
          c.ticket.id,
          deps.directory.user(c.link.approver),
          decision === 'approve' ? 'AGREE' : 'REJECT',
          comment,
          'mail',
        );
        const ticket = r.ticket ?? (await deps.approvals.get(c.ticket.id));
        if (r.outcome === 'recorded' || r.outcome === 'decided') {
          return page(res, 200, 'Your vote is recorded', `<p class="ok">${e(r.message)}</p>${await details(ticket)}`);
        }
        // Refused by the ticket: nothing changed, so the link is given back.
        await releaseLink(deps.redis, deps.keys, token!);
        const status = r.outcome === 'missing' ? 404 : r.outcome === 'closed' || r.outcome === 'duplicate' ? 409 : 403;
        return refuse(res, { status, title: 'Your vote was not recorded', why: r.message }, await details(ticket));
      },
    },
  ];

  async function details(ticket?: Ticket): Promise<string> {
    if (!ticket) return '';
    const card = approvalCard(ticket, publicUrl);
    const level = activeLevel(ticket);
    const rows: [string, string][] = [
      ['Requested by', ticket.requester ?? 'unknown'],
      ['Opened', ticket.createDate],
      ['Status', card.outcome ?? `waiting${level ? ` at ${level}` : ''}`],
      ['Tally', card.tally],
      ...(card.pending.length ? [['Still needed', card.pending.join(', ')] as [string, string]] : []),
    ];
    const levels = ticket.spec.levels
      .map((l, i) => {
        const rec = ticket.levels.find((r) => r.index === i);
        return (
          `<tr><td>${i + 1}. ${e(l.name)}</td><td>${e(rec?.mode ?? l.mode)}</td>` +
          `<td class="${e(rec?.status ?? 'pending')}">${e(rec?.status ?? 'not reached')}</td>` +
          `<td>${e(rec?.approvers.join(', ') ?? '')}</td><td>${e(rec?.note ?? '')}</td></tr>`
        );
      })
      .join('');
    const votes = ticket.votes
      .map(
        (v) =>
          `<li>${e(v.voter)}: ${v.decision === 'AGREE' ? 'approved' : 'rejected'}` +
          `${v.comment ? ` — ${e(v.comment)}` : ''} <small>${e(v.date)}</small></li>`,
      )
      .join('');
    const head = '<tr><th>level</th><th>mode</th><th>status</th><th>approvers</th><th>note</th></tr>';
    return `<h1>${e(card.title)}</h1><p>${e(ticket.description)}</p>
<table>${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
${await whatRuns(ticket, card.executionUrl)}
<h2>Levels</h2><table>${head}${levels}</table>
${votes ? `<h2>Votes</h2><ul>${votes}</ul>` : ''}`;
  }

  /** The template, task and parameters (NoEcho masked) the approval lets run. */
  async function whatRuns(ticket: Ticket, executionUrl?: string): Promise<string> {
    if (!ticket.executionId)
      return ticket.reasons.length
        ? `<h2>Why</h2><ul>${ticket.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>`
        : '';
    const exec = await deps.executions.find(ticket.executionId);
    let params = '<p>(parameters not shown: the execution or its template is gone)</p>';
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
    const template = `<b>${e(ticket.templateName ?? exec?.templateName ?? '?')}</b>${version}`;
    const execution = `<a href="${e(executionUrl ?? '#')}" rel="noreferrer">${e(ticket.executionId)}</a>`;
    return `<h2>What runs</h2><p>Template ${template}, task <b>${e(ticket.taskName ?? '?')}</b>
of execution ${execution}${exec ? ` (${e(exec.status)})` : ''}</p>
<h3>Parameters</h3>${params}`;
  }
}

/** The decision a mail's button chose, if any. */
function chosen(pre: string | null): 'approve' | 'reject' | undefined {
  return pre === 'reject' ? 'reject' : pre === 'approve' ? 'approve' : undefined;
}

function form(approver: string, preselected?: 'approve' | 'reject'): string {
  const btn = (d: 'approve' | 'reject', label: string) =>
    `<button name="decision" value="${d}" class="${d}"${preselected === d ? ' autofocus' : ''}>${label}</button>`;
  // No action attribute: the form posts back to this very URL, token included.
  const choice = preselected
    ? ` You chose <b>${preselected === 'approve' ? 'Approve' : 'Reject'}</b> in the mail; confirm it below.`
    : '';
  const comment = `<textarea name="comment" rows="3" cols="60" maxlength="${MAX_COMMENT}"></textarea>`;
  return `<form method="post"><h2>Your decision</h2><p>You vote as <b>${e(approver)}</b>.${choice}</p>
<p><label>Comment (optional)<br>${comment}</label></p>
<p>${btn('approve', 'Approve')} ${btn('reject', 'Reject')}</p></form>`;
}

function refuse(res: ServerResponse, r: Refusal, detailsHtml: string): Promise<void> {
  return page(
    res,
    r.status,
    r.title,
    `<h1>${e(r.title)}</h1><p class="warn">${e(r.why)}</p><p>Nothing was changed.</p>` +
      (detailsHtml ? `<hr>${detailsHtml}` : ''),
  );
}
