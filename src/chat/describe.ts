import type { Execution } from '../engine/types.js';

const ICON: Record<string, string> = {
  Queued: '⏸', Running: '▶', Waiting: '⏳', Success: '✅', Failed: '❌', Cancelled: '⛔', Skipped: '↷',
};

export function icon(status: string): string {
  return ICON[status] ?? '•';
}

/** An execution in a few lines of chat text. */
export function describeExecution(e: Execution): string {
  const lines = [`${icon(e.status)} ${e.id}: ${e.templateName} ${e.templateVersion} is ${e.status}${e.statusMessage ? ` (${e.statusMessage})` : ''}`];
  for (const [name, t] of Object.entries(e.tasks)) {
    lines.push(`  ${icon(t.status)} ${name} ${t.status}${t.message ? `: ${t.message}` : ''}`);
  }
  if (e.outputs) lines.push(`  outputs: ${JSON.stringify(e.outputs)}`);
  return lines.join('\n');
}
