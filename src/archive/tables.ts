import pg from 'pg';
import { ArchiveFailedError } from '../errors.js';
import { type Msg, msg } from '../i18n/index.js';

/** The archive's tables, qualified by its schema (no search_path: it would not survive a pooler). */
export function tablesOf(schema: string) {
  const s = pg.escapeIdentifier(schema);
  return {
    executions: `${s}.executions`,
    taskExecutions: `${s}.task_executions`,
    loopItems: `${s}.loop_items`,
    tickets: `${s}.tickets`,
    votes: `${s}.votes`,
  };
}

export type Tables = ReturnType<typeof tablesOf>;

/** An ISO date for a timestamptz column; a date that is none is refused, not stored as something else. */
export function isoDate(s: string, what: string | Msg): string {
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new ArchiveFailedError(msg('store:archiveNotADate', { what, value: JSON.stringify(s) }));
  return new Date(ms).toISOString();
}
