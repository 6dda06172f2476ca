import { approvalCard } from '../approval/card.js';
import { escapeHtml as e } from '../html.js';
import type { Ticket } from '../approval/ticket.js';
import { createLink, linkExpiry } from './approval-links.js';
import type { MailMessage } from './mail.js';

export interface ApprovalMail extends MailMessage {
  approver: string;
}

export interface ApprovalMailOptions {
  secret: string;
  publicUrl: string;
  /** ACS::Approve's Mail.Subject and Mail.Body; the ticket's summary and links are always added. */
  subject?: string;
  body?: string;
  now?: number;
}

/** The active level in words: "Team lead (level 1 of 2, any one of them)". */
export function activeLevel(ticket: Ticket): string | undefined {
  const rec = ticket.levels.find((l) => l.index === ticket.level && l.status === 'active');
  if (!rec) return undefined;
  const how =
    rec.mode === 'ANY' ? 'any one of them' : rec.mode === 'ALL' ? 'every one of them' : `${rec.required} of them`;
  return `${rec.name} (level ${rec.index + 1} of ${ticket.spec.levels.length}, ${how})`;
}

/**
 * One message per approver, each with links of their own: a link votes as the person it was
 * made for, so a message is never shared between approvers. Both links open the same page
 * (`?decision=` only preselects); the vote is cast there by a POST, never by following a link.
 */
export function approvalMails(
  ticket: Ticket,
  approvers: { name: string; email: string }[],
  opts: ApprovalMailOptions,
): ApprovalMail[] {
  const base = opts.publicUrl.replace(/\/+$/, '');
  const card = approvalCard(ticket, base);
  const level = activeLevel(ticket);
  const expiresAt = linkExpiry(ticket, opts.now);
  // Subjects come from templates: one line, so no header can be folded into another.
  const subject = (opts.subject?.trim() || `Approval needed: ${card.title}`).replace(/\s+/g, ' ').slice(0, 200);
  const facts: [string, string][] = [
    ['Ticket', card.title],
    ['Requested by', ticket.requester ?? 'unknown'],
    ...(level ? [['Level', level] as [string, string]] : []),
    ['Tally', card.tally],
    ['Still needed', card.pending.join(', ') || 'nobody'],
    ...(card.executionUrl ? [['Execution', card.executionUrl] as [string, string]] : []),
  ];

  return approvers
    .filter((a) => a.email)
    .map((a) => {
      const page = `${base}/approve/${createLink(opts.secret, { ticketId: ticket.id, approver: a.name, expiresAt })}`;
      const approve = `${page}?decision=approve`;
      const reject = `${page}?decision=reject`;
      const note =
        `These links are for ${a.name} only, work once, and expire ` +
        `${new Date(expiresAt).toISOString()}. They open a page where you confirm.`;
      const text = [
        ...(opts.body ? [opts.body, ''] : []),
        `${ticket.requester ?? 'Someone'} asks for your approval.`,
        ticket.description,
        '',
        ...facts.map(([k, v]) => `${k}: ${v}`),
        '',
        `Approve: ${approve}`,
        `Reject:  ${reject}`,
        '',
        note,
      ].join('\n');
      const html =
        `<!doctype html><html><body style="font:14px system-ui,sans-serif">
${opts.body ? `<p>${e(opts.body).replace(/\n/g, '<br>')}</p>` : ''}
<p>${e(ticket.requester ?? 'Someone')} asks for your approval.</p>
<p>${e(ticket.description)}</p>
<table>${facts.map(([k, v]) => `<tr><th align="left">${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
<p><a href="${e(approve)}" style="background:#137333;color:#fff;padding:.4rem .9rem;text-decoration:none">Approve</a>
&nbsp; <a href="${e(reject)}" ` +
        `style="background:#b3261e;color:#fff;padding:.4rem .9rem;text-decoration:none">Reject</a></p>
<p style="color:#555">${e(note)}</p>
</body></html>`;
      return { approver: a.name, to: [a.email], subject, text, html };
    });
}
