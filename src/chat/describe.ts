import { levelModeText, levelStatusText } from '../approval/card.js';
import { noteOf, reasonOf, type Ticket } from '../approval/ticket.js';
import type { Reader } from '../config/reader.js';
import type { Masker } from '../engine/mask.js';
import { type Execution, statusMessageIn, taskMessageIn } from '../engine/types.js';
import { formatTime, type Locale, msg, translator } from '../i18n/index.js';
import { levelName } from '../template/approve.js';
import { localizedText } from '../template/localized.js';

const ICON: Record<string, string> = {
  Queued: '⏸',
  Running: '▶',
  Waiting: '⏳',
  Success: '✅',
  Failed: '❌',
  Cancelled: '⛔',
  Skipped: '↷',
};

export function icon(status: string): string {
  return ICON[status] ?? '•';
}

/** Who reads a description: their language and the zone its times are shown in. */
type ReaderOf = Pick<Reader, 'locale'> & Partial<Pick<Reader, 'timeZone'>>;
const EN: ReaderOf = { locale: 'en', timeZone: 'UTC' };

/** An execution in a few lines of chat text, in the reader's language, its secrets masked (engine/mask.ts). */
export function describeExecution(e: Execution, mask: Masker, reader: ReaderOf = EN): string {
  const t = translator(reader.locale);
  const note = statusMessageIn(e, reader.locale);
  const head = { id: e.id, template: e.templateName, version: e.templateVersion, status: status(e.status) };
  const summary = note
    ? t('chat:executionLineNote', { ...head, note: mask.text(note) })
    : t('chat:executionLine', head);
  const lines = [`${icon(e.status)} ${summary}`];
  for (const [name, task] of Object.entries(e.tasks)) {
    const message = taskMessageIn(task, reader.locale);
    const line = message
      ? t('chat:taskLineMessage', { name, status: status(task.status), message: mask.text(message) })
      : t('chat:taskLine', { name, status: status(task.status) });
    lines.push(`  ${icon(task.status)} ${line}`);
  }
  if (e.outputs) lines.push(`  ${t('chat:outputs', { json: JSON.stringify(mask.value(e.outputs)) })}`);
  return lines.join('\n');
}

const status = (s: string) => msg('common:status', { status: s });

/** A template's Description in one line, in the reader's language (a localized map's entry for it). */
export function describeTemplate(d: unknown, locale: Locale = 'en'): string {
  return localizedText(d, locale).split('\n')[0]!;
}

/** An approval ticket as DMS shows it: each level, who acted, when (in the reader's zone) and with what comment. */
export function describeTicket(ticket: Ticket, reader: ReaderOf = EN): string {
  const { locale } = reader;
  const t = translator(locale);
  const state =
    ticket.status === 'CANCEL' && ticket.reason
      ? t('chat:ticketStateReason', { reason: reasonOf(ticket) })
      : t('chat:ticketState', { status: ticket.status });
  const head = { id: ticket.id, title: ticket.title, state };
  const lines = [
    ticket.requester
      ? t('chat:ticketLineRequester', { ...head, requester: ticket.requester })
      : t('chat:ticketLine', head),
  ];
  ticket.spec.levels.forEach((level, i) => {
    const rec = ticket.levels.find((l) => l.index === i);
    const votes = ticket.votes.filter((v) => v.level === i);
    const about = {
      n: i + 1,
      name: levelName(level),
      mode: levelModeText(level, locale),
      status: levelStatusText(rec?.status, locale),
    };
    const note = rec && noteOf(rec);
    lines.push(`  ${note ? t('chat:levelLineNote', { ...about, note }) : t('chat:levelLine', about)}`);
    if (rec?.approvers.length) lines.push(`    ${t('chat:asked', { names: rec.approvers.join(', ') })}`);
    for (const v of votes) {
      const vote = { decision: v.decision, voter: v.voter, time: formatTime(v.date, locale, reader.timeZone) };
      lines.push(
        `    ${v.comment ? t('chat:voteLineComment', { ...vote, comment: v.comment }) : t('chat:voteLine', vote)}`,
      );
    }
  });
  const voted = new Set(ticket.votes.map((v) => v.voter));
  if (ticket.status === 'AUDITING') {
    const names = ticket.approvers.filter((a) => !voted.has(a)).join(', ') || t('chat:nobody');
    lines.push(`  ${t('chat:stillNeeded', { names, approvals: ticket.approvals, required: ticket.required })}`);
  }
  return lines.join('\n');
}
