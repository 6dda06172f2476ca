import type { Reader } from '../config/reader.js';
import { escapeHtml as e } from '../html.js';
import { formatTime, render, t } from '../i18n/index.js';
import { approvalCard, buttonLabel } from '../approval/card.js';
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

/**
 * One message per approver, each with links of their own: a link votes as the person it was
 * made for, so a message is never shared between approvers. Both links open the same page
 * (`?decision=` only preselects); the vote is cast there by a POST, never by following a link.
 * Each is written in its recipient's language, times in their zone; the approval's own words (title,
 * level, tally, buttons) are its card's (approval/card.ts), as chat shows them.
 */
export function approvalMails(ticket: Ticket, approvers: MailRecipient[], opts: ApprovalMailOptions): ApprovalMail[] {
  const base = opts.publicUrl.replace(/\/+$/, '');
  const expiresAt = linkExpiry(ticket, opts.now);

  return approvers
    .filter((a) => a.email)
    .map((a) => {
      const r = a.reader ?? opts.defaults ?? { locale: 'en', timeZone: 'UTC' };
      const say = (key: Parameters<typeof t>[1], values?: Parameters<typeof t>[2]) => t(r.locale, key, values);
      const card = approvalCard(ticket, base, { locale: r.locale, timeZone: r.timeZone });
      const { title, level, executionUrl } = card;
      // Subjects come from templates: one line, so no header can be folded into another.
      const subject = (opts.subject?.trim() || say('mail:subject', { title })).replace(/\s+/g, ' ').slice(0, 200);
      const facts: [string, string][] = [
        [say('mail:factTicket'), title],
        [say('mail:factRequestedBy'), ticket.requester ?? say('mail:unknown')],
        [say('mail:factTally'), card.tally],
        [say('mail:factStillNeeded'), card.pending.join(', ') || say('mail:nobody')],
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
        render(ticket.descriptionText ?? ticket.description, r.locale),
        // The active level, as the card names it when there is more than one.
        ...(level ? [level] : []),
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
      const rows = facts.map(([k, v]) => `<tr><th align="left">${e(k)}</th><td>${e(v)}</td></tr>`).join('');
      const html = `<!doctype html><html lang="${r.locale}"><body style="font:14px system-ui,sans-serif">
${opts.body ? `<p>${e(opts.body).replace(/\n/g, '<br>')}</p>` : ''}
<p>${e(asks)}</p>
<p>${e(render(ticket.descriptionText ?? ticket.description, r.locale))}</p>
${level ? `<p>${e(level)}</p>\n` : ''}<table>${rows}</table>
<p>${button(approve, '#137333', buttonLabel('approve', r.locale))}
&nbsp; ${button(reject, '#b3261e', buttonLabel('reject', r.locale))}</p>
<p style="color:#555">${e(note)}</p>
</body></html>`;
      return { approver: a.name, to: [a.email], subject, text, html };
    });
}
