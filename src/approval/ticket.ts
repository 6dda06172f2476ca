import type { CloseCode } from '../engine/actions/types.js';
import type { Msg } from '../i18n/index.js';
import type { ApprovalSpec } from '../template/approve.js';

// A ticket as every layer sees it; store/approval-tickets.ts keeps it in Redis.

export type TicketStatus = 'AUDITING' | 'APPROVED' | 'REJECT' | 'CANCEL';
export type VoteDecision = 'AGREE' | 'REJECT';

/** What a ticket was opened for; fixed once opened. */
export interface TicketDoc {
  id: string;
  /** The execution's task, or the CreateApproval request, the ticket belongs to. */
  key: string;
  executionId?: string;
  taskName?: string;
  templateName?: string;
  title: string;
  description: string;
  /** The description opsgate made (a runbook's ticket given none), from the catalogue, for every reader. */
  descriptionText?: Msg;
  orderType: string;
  requester?: string;
  spec: ApprovalSpec;
  /** What criteria and `$request` see: {parameters, outputs, context, request}. */
  subject: Record<string, unknown>;
  reasons: string[];
  callbackUrl?: string;
  createDate: string;
}

export interface LevelRecord {
  index: number;
  name: string;
  mode: string;
  status: 'active' | 'approved' | 'rejected' | 'skipped' | 'cancelled';
  approvers: string[];
  required: number;
  activatedAt?: string;
  /** In English, as the API answers it; `noteText` is the same from the catalogue (only when it comes from there). */
  note?: string;
  noteText?: Msg;
}

export interface Vote {
  voter: string;
  decision: VoteDecision;
  comment?: string;
  date: string;
  level: number;
  /** Where it was cast, for the audit; votes cast before opsgate kept it have none. */
  channel?: VoteChannel;
}

/** Where a vote comes from: a chat platform's name, a mail link, the API or the command line. */
export type VoteChannel = string;

export interface Ticket extends TicketDoc {
  status: TicketStatus;
  /** The active level's index (-1 before the first). */
  level: number;
  approvals: number;
  required: number;
  /** Why it closed, in English, as the API answers it; `reasonText` is the same from the catalogue, when it is. */
  reason?: string;
  reasonText?: Msg;
  /** Why it closed, set on every close (undefined while AUDITING); code decides on it, never on `reason`. */
  closeCode?: CloseCode;
  decidedAt?: string;
  votes: Vote[];
  levels: LevelRecord[];
  /** Who may vote on the active level now. */
  approvers: string[];
}

/** Jobs the approval service schedules on itself (a ticket's timeout, reminder, escalation). */
export interface TicketTimer {
  ticketId: string;
  kind: 'timeout' | 'remind' | 'escalate';
  level: number;
}

/** What a message that shows a ticket's reason takes: the Msg (rendered in the reader's language), else the English. */
export const reasonOf = (t: Pick<Ticket, 'reason' | 'reasonText'>): Msg | string | undefined =>
  t.reasonText ?? t.reason;

/** A level's note as reasonOf. */
export const noteOf = (l: Pick<LevelRecord, 'note' | 'noteText'>): Msg | string | undefined => l.noteText ?? l.note;
