import { auditCsvHeader, auditCsvLine, type AuditRecord } from '../core/audit.js';
import { ParameterError } from '../errors.js';
import { msg } from '../i18n/index.js';

export function auditArgs(args: string[]): { since: number; until?: number; format: 'csv' | 'jsonl' } {
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i]!, args[i + 1]];
    if (!['--since', '--until', '--format'].includes(flag) || value === undefined)
      throw new ParameterError(msg('cli:auditNotAnOption', { flag }));
    opts[flag.slice(2)] = value;
  }
  const when = (name: string) => {
    const ms = Date.parse(opts[name]!);
    if (Number.isNaN(ms)) throw new ParameterError(msg('cli:auditNotADate', { name, value: opts[name] }));
    return ms;
  };
  if (!opts.since) throw new ParameterError(msg('cli:auditSinceRequired'));
  const format = opts.format ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new ParameterError(msg('cli:auditFormat', { format }));
  return { since: when('since'), ...(opts.until ? { until: when('until') } : {}), format };
}

/** Writes every record of the range, page after page, as CSV (with a header) or JSON lines. */
export async function writeAudit(
  audit: (q: { since: number; until?: number; limit: number; cursor?: string }) => Promise<{
    records: AuditRecord[];
    next?: string;
  }>,
  q: { since: number; until?: number; format: 'csv' | 'jsonl' },
  write: (chunk: string) => void,
): Promise<number> {
  if (q.format === 'csv') write(auditCsvHeader());
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await audit({ since: q.since, until: q.until, limit: 500, cursor });
    for (const r of page.records) write(q.format === 'csv' ? auditCsvLine(r) : `${JSON.stringify(r)}\n`);
    n += page.records.length;
    cursor = page.next;
  } while (cursor);
  return n;
}
