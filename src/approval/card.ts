import { type Locale, msg, render, t } from '../i18n/index.js';
import { levelName } from '../template/approve.js';
import { type LevelRecord, reasonOf, type Ticket } from './ticket.js';

/**
 * The one approval card, platform-neutral: every chat adapter renders this, and a decided card
 * has no buttons, only its outcome.
 */
export interface ApprovalCard {
  /** The language of its texts (approvalCard always sets it; absent: en); renderers write their words in it. */
  locale?: Locale;
  ticketId: string;
  title: string;
  executionId?: string;
  executionUrl?: string;
  requester?: string;
  /** The active level, when the ticket has more than one. */
  level?: string;
  /** Every level with its mode and where it stands, in the card's language (`line`: `1. name (ANY): active`). */
  levels: { name: string; mode: string; status: string; line: string }[];
  /** What will run with which parameters (secrets masked by the caller). */
  parameters?: Record<string, unknown>;
  /** Who voted, how, and what they said. */
  comments: { voter: string; decision: 'AGREE' | 'REJECT'; comment?: string }[];
  /** Directory user names still needed on the active level (the @-mentions while open). */
  pending: string[];
  approvedBy: string[];
  rejectedBy?: { voter: string; comment?: string };
  required: number;
  tally: string;
  status: Ticket['status'];
  outcome?: string;
  buttons: { id: 'approve' | 'reject'; label: string; value: string; style: 'primary' | 'danger' }[];
}

/** Where a level stands, as the card and the ticket's description say it. */
export function levelStatusText(status: LevelRecord['status'] | undefined, locale: Locale): string {
  return t(locale, 'card:levelStatus', { status: status ?? 'notReached' });
}

/** A level's mode as people read it: `ANY`, `ALL`, `2 of them`. */
export function levelModeText(level: { mode: string; min?: number; required?: number }, locale: Locale): string {
  return t(locale, 'card:levelMode', { mode: level.mode, min: level.min ?? level.required ?? 0 });
}

/** A vote button's label: what the card's buttons say, and the mail's and the approve page's. */
export function buttonLabel(id: 'approve' | 'reject', locale: Locale): string {
  return t(locale, id === 'approve' ? 'card:approve' : 'card:reject');
}

/**
 * The card of a ticket for a reader: its texts in their language (`locale`, default en); `timeZone` is the
 * zone of any time it shows.
 */
export function approvalCard(
  ticket: Ticket,
  publicUrl: string,
  extra: { parameters?: Record<string, unknown>; locale?: Locale; timeZone?: string } = {},
): ApprovalCard {
  const locale = extra.locale ?? 'en';
  const approvedBy = ticket.votes.filter((v) => v.decision === 'AGREE').map((v) => v.voter);
  const rejected = ticket.votes.find((v) => v.decision === 'REJECT');
  const voted = new Set(ticket.votes.map((v) => v.voter));
  const open = ticket.status === 'AUDITING';
  const levels = ticket.spec.levels;
  const active = ticket.levels.find((l) => l.index === ticket.level && l.status === 'active');
  const outcome = {
    AUDITING: undefined,
    APPROVED: msg('card:approvedBy', { names: approvedBy.join(', ') }),
    REJECT: rejected?.comment
      ? msg('card:rejectedByComment', { voter: rejected.voter, comment: rejected.comment })
      : msg('card:rejectedBy', { voter: rejected?.voter ?? msg('card:anApprover') }),
    CANCEL:
      ticket.closeCode === 'timed-out'
        ? msg('card:timedOut')
        : ticket.reason
          ? msg('card:cancelledReason', { reason: reasonOf(ticket) })
          : msg('card:cancelled'),
  }[ticket.status];
  const levelLines = levels.map((l, i) => {
    const mode = levelModeText(l, locale);
    const status = levelStatusText(ticket.levels.find((r) => r.index === i)?.status, locale);
    const name = render(levelName(l), locale);
    return { name, mode, status, line: t(locale, 'card:levelItem', { n: i + 1, name, mode, status }) };
  });
  return {
    locale,
    ticketId: ticket.id,
    title: t(locale, 'card:title', { id: ticket.id, title: ticket.title }),
    executionId: ticket.executionId,
    executionUrl: ticket.executionId ? `${publicUrl}/executions/${ticket.executionId}` : undefined,
    requester: ticket.requester,
    level:
      levels.length > 1 && active
        ? t(locale, 'card:level', {
            n: active.index + 1,
            total: levels.length,
            name: levels[active.index] ? levelName(levels[active.index]!) : active.name,
            mode: levelModeText(active, locale),
          })
        : undefined,
    levels: levelLines,
    parameters: extra.parameters,
    comments: ticket.votes.map((v) => ({ voter: v.voter, decision: v.decision, comment: v.comment || undefined })),
    pending: open ? ticket.approvers.filter((a) => !voted.has(a)) : [],
    approvedBy,
    rejectedBy: rejected ? { voter: rejected.voter, comment: rejected.comment } : undefined,
    required: ticket.required,
    tally: t(locale, 'card:tally', { approvals: ticket.approvals, required: ticket.required }),
    status: ticket.status,
    outcome: outcome && t(locale, outcome.key, outcome.values),
    buttons: open
      ? [
          { id: 'approve', label: buttonLabel('approve', locale), value: ticket.id, style: 'primary' },
          { id: 'reject', label: buttonLabel('reject', locale), value: ticket.id, style: 'danger' },
        ]
      : [],
  };
}
