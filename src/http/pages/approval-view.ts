import { approvalCard } from '../../approval/card.js';
import { noteOf, reasonOf, type Ticket } from '../../approval/ticket.js';
import { render } from '../../i18n/index.js';
import { levelName } from '../../template/approve.js';
import type { Reader } from '../../config/reader.js';

/** A level not reached yet: it has no record. */
// i18n-exempt: a level's status code in the page's data (data-status, a CSS class); the card says it in words
export const NOT_REACHED = 'not reached';

export interface VoteView {
  voter: string;
  decision: 'AGREE' | 'REJECT';
  date: string;
  comment?: string;
}
export interface LevelView {
  name: string;
  /** The level's mode as the card says it: ANY, ALL, `2 of them`. */
  mode: string;
  /** The level record's status code (a CSS class, data-status); NOT_REACHED before the level was. */
  status: string;
  /** That status as the card says it. */
  statusText: string;
  approvers: string[];
  pending: string[];
  votes: VoteView[];
  note?: string;
}
export interface ApprovalView {
  ticketId: string;
  status?: string;
  /** The card's tally: approvals on the current level of how many it needs. */
  tally?: string;
  reason?: string;
  levels: LevelView[];
  missing?: boolean;
}

/**
 * A ticket as the pages show it, its words the approval card's (approval/card.ts) in the reader's
 * language: the pages add their table around them, never words of their own for the same things.
 */
export function approvalView(t: Ticket, r: Reader): ApprovalView {
  const card = approvalCard(t, '', { locale: r.locale, timeZone: r.timeZone });
  const levels = t.spec.levels.map((l, i): LevelView => {
    const rec = t.levels.find((x) => x.index === i);
    const active = t.status === 'AUDITING' && rec?.status === 'active';
    return {
      name: render(levelName(l), r.locale),
      mode: card.levels[i]!.mode,
      status: rec?.status ?? NOT_REACHED,
      statusText: card.levels[i]!.status,
      approvers: rec?.approvers ?? [],
      pending: active ? card.pending : [],
      votes: t.votes
        .filter((v) => v.level === i)
        .map((v) => ({ voter: v.voter, decision: v.decision, date: v.date, comment: v.comment || undefined })),
      note: rec && noteOf(rec) !== undefined ? render(noteOf(rec)!, r.locale) : undefined,
    };
  });
  const reason = reasonOf(t);
  return {
    ticketId: t.id,
    status: t.status,
    tally: card.tally,
    reason: reason === undefined ? undefined : render(reason, r.locale),
    levels,
  };
}
