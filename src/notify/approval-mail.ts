import type { Reader } from '../config/reader.js';
import { escapeHtml as e } from '../html.js';
import { formatTime, type Locale, t } from '../i18n/index.js';
import type { Ticket } from '../approval/ticket.js';
import { createLink, linkExpiry } from './approval-links.js';
import type { MailMessage } from './mail.js';

export interface ApprovalMail extends MailMessage {
  approver: string;
}

/** An approver to mail: their address, and the language and zone their mail is written in. */
export interface MailRecipient {
  name: string;
  email: string;
  reader?: Reader;
}

export interface ApprovalMailOptions {
  secret: string;
  publicUrl: string;
  /** ACS::Approve's Mail.Subject and Mail.Body; the ticket's summary and links are always added. */
  subject?: string;
  body?: string;
  now?: number;
  /** The language and zone of a recipient the directory says nothing of (OPSGATE_LOCALE, OPSGATE_TIMEZONE). */
  defaults?: Reader;
}

/** The active level in words: "Team lead (level 1 of 2, any one of them)". */
export function activeLevel(ticket: Ticket, locale: Locale = 'en'): string | undefined {
  const rec = ticket.levels.find((l) => l.index === ticket.level && l.status === 'active');
  if (!rec) return undefined;
  return t(locale, 'mail:level', {
    name: rec.name,
    n: rec.index + 1,
    count: ticket.spec.levels.length,
    mode: rec.mode,
    required: rec.required,
  });
}

/**
 * One message per approver, each with links of their own: a link votes as the person it was
 * made for, so a message is never shared between approvers. Both links open the same page
 * (`?decision=` only preselects); the vote is cast there by a POST, never by following a link.
 * Each is written in its recipient's language, times in their zone.
 */
export function approvalMails(ticket: Ticket, approvers: MailRecipient[], opts: ApprovalMailOptions): ApprovalMail[] {
  const base = opts.publicUrl.replace(/\/+$/, '');
  const expiresAt = linkExpiry(ticket, opts.now);
  const voted = new Set(ticket.votes.map((v) => v.voter));
  const pending = ticket.status === 'AUDITING' ? ticket.approvers.filter((a) => !voted.has(a)) : [];
  const executionUrl = ticket.executionId ? `${base}/executions/${ticket.executionId}` : undefined;

  return approvers
    .filter((a) => a.email)
    .map((a) => {
      const r = a.reader ?? opts.defaults ?? { locale: 'en', timeZone: 'UTC' };
      const say = (key: Parameters<typeof t>[1], values?: Parameters<typeof t>[2]) => t(r.locale, key, values);
      const title = say('mail:ticketTitle', { id: ticket.id, title: ticket.title });
      const level = activeLevel(ticket, r.locale);
      // Subjects come from templates: one line, so no header can be folded into another.
      const subject = (opts.subject?.trim() || say('mail:subject', { title })).replace(/\s+/g, ' ').slice(0, 200);
      const facts: [string, string][] = [
        [say('mail:factTicket'), title],
        [say('mail:factRequestedBy'), ticket.requester ?? say('mail:unknown')],
        ...(level ? [[say('mail:factLevel'), level] as [string, string]] : []),
        [say('mail:factTally'), say('mail:tallyValue', { approvals: ticket.approvals, required: ticket.required })],
        [say('mail:factStillNeeded'), pending.join(', ') || say('mail:nobody')],
        ...(executionUrl ? [[say('mail:factExecution'), executionUrl] as [string, string]] : []),
      ];
      const page = `${base}/approve/${createLink(opts.secret, { ticketId: ticket.id, approver: a.name, expiresAt })}`;
      const approve = `${page}?decision=approve`;
      const reject = `${page}?decision=reject`;
      const note = say('mail:linksNote', { name: a.name, when: formatTime(expiresAt, r.locale, r.timeZone) });
      const asks = say('mail:asks', { requester: ticket.requester ?? say('mail:someone') });
      const text = [
        ...(opts.body ? [opts.body, ''] : []),
        asks,
        ticket.description,
        '',
        ...facts.map(([k, v]) => say('mail:fact', { name: k, value: v })),
        '',
        say('mail:approveLine', { link: approve }),
        say('mail:rejectLine', { link: reject }),
        '',
        note,
      ].join('\n');
      const button = (href: string, colour: string, label: string) =>
        `<a href="${e(href)}" style="background:${colour};color:#fff;padding:.4rem .9rem;text-decoration:none">` +
        `${e(label)}</a>`;
      const html = `<!doctype html><html lang="${r.locale}"><body style="font:14px system-ui,sans-serif">
${opts.body ? `<p>${e(opts.body).replace(/\n/g, '<br>')}</p>` : ''}
<p>${e(asks)}</p>
<p>${e(ticket.description)}</p>
<table>${facts.map(([k, v]) => `<tr><th align="left">${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
<p>${button(approve, '#137333', say('mail:approve'))}
&nbsp; ${button(reject, '#b3261e', say('mail:reject'))}</p>
<p style="color:#555">${e(note)}</p>
</body></html>`;
      return { approver: a.name, to: [a.email], subject, text, html };
    });
}
