import type { Masker } from '../engine/mask.js';
import type { Execution } from '../engine/types.js';
import type { Ticket } from '../approval/ticket.js';

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

/** An execution in a few lines of chat text, its secrets masked (engine/mask.ts). */
export function describeExecution(e: Execution, mask: Masker): string {
  const lines = [
    `${icon(e.status)} ${e.id}: ${e.templateName} ${e.templateVersion} is ${e.status}` +
      `${e.statusMessage ? ` (${mask.text(e.statusMessage)})` : ''}`,
  ];
  for (const [name, t] of Object.entries(e.tasks)) {
    lines.push(`  ${icon(t.status)} ${name} ${t.status}${t.message ? `: ${mask.text(t.message)}` : ''}`);
  }
  if (e.outputs) lines.push(`  outputs: ${JSON.stringify(mask.value(e.outputs))}`);
  return lines.join('\n');
}

/** A template's Description in one line: the English text of a localized map. */
export function describeTemplate(d: unknown): string {
  if (typeof d === 'string') return d.split('\n')[0]!;
  if (d && typeof d === 'object') {
    const m = d as Record<string, unknown>;
    const text = m.en ?? m['name-en'] ?? Object.values(m).find((v) => typeof v === 'string');
    return typeof text === 'string' ? text.split('\n')[0]! : '';
  }
  return '';
}

/** An approval ticket as DMS shows it: each level, who acted, when and with what comment. */
export function describeTicket(t: Ticket): string {
  const state = {
    AUDITING: 'waiting',
    APPROVED: 'approved',
    REJECT: 'rejected',
    CANCEL: `cancelled${t.reason ? ` (${t.reason})` : ''}`,
  }[t.status];
  const lines = [`Approval ${t.id}: ${t.title} is ${state}${t.requester ? `, asked by ${t.requester}` : ''}`];
  t.spec.levels.forEach((level, i) => {
    const rec = t.levels.find((l) => l.index === i);
    const votes = t.votes.filter((v) => v.level === i);
    const status = rec ? rec.status : 'not reached';
    lines.push(
      `  level ${i + 1} ${level.name} (${level.mode === 'MIN' ? `${level.min} of them` : level.mode}): ${status}` +
        `${rec?.note ? `, ${rec.note}` : ''}`,
    );
    if (rec?.approvers.length) lines.push(`    asked: ${rec.approvers.join(', ')}`);
    for (const v of votes)
      lines.push(
        `    ${v.decision === 'AGREE' ? 'approved' : 'rejected'} by ${v.voter} at ` +
          `${v.date.slice(0, 19).replace('T', ' ')}${v.comment ? `: ${v.comment}` : ''}`,
      );
  });
  const voted = new Set(t.votes.map((v) => v.voter));
  if (t.status === 'AUDITING')
    lines.push(
      `  still needed: ${t.approvers.filter((a) => !voted.has(a)).join(', ') || 'nobody'} (${t.approvals} of ` +
        `${t.required})`,
    );
  return lines.join('\n');
}
