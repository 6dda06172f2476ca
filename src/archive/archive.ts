import type { Ticket } from '../approval/ticket.js';
import type { Masker } from '../engine/mask.js';
import type { Execution } from '../engine/types.js';
import { ConfigError } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { AnyTemplate } from '../template/schema.js';
import { audit } from './audit.js';
import { listRuns } from './list-runs.js';
import { maskRun, maskTicket } from './mask.js';
import { migrate } from './migrate.js';
import { openDb, type Db } from './pool.js';
import { hasRun, readRun, readTicket, ticketIdsOf } from './read.js';
import { tablesOf, type Tables } from './tables.js';
import type { ArchivedRun, ArchiveQuery, AuditQuery, AuditRecord, RunCursor } from './types.js';
import { writeRun } from './write-run.js';
import { writeTicket } from './write-ticket.js';

export interface ArchiveOptions {
  /** The PostgreSQL schema of the archive's tables; created by the first migration. */
  schema?: string;
  log?: Logger;
  /** Connections at most (default 4). */
  poolSize?: number;
  /** A statement's time limit in ms (default 10 s); past it the call fails ArchiveUnavailable. */
  statementTimeoutMs?: number;
}

export const DEFAULT_SCHEMA = 'opsgate';

/**
 * Finished executions and decided tickets in PostgreSQL (OPSGATE_ARCHIVE_URL), NoEcho values masked
 * before they are written. Every write is idempotent (a retry or a second writer changes nothing) and
 * throws ArchiveUnavailable or ArchiveFailed when it did not happen; readers get back exactly what was
 * written. See src/archive/README.md.
 */
export class Archive {
  private constructor(
    private readonly db: Db,
    private readonly t: Tables,
  ) {}

  /** Connects and migrates the schema; throws ArchiveUnavailable when PostgreSQL does not answer. */
  static async connect(url: string, opts: ArchiveOptions = {}): Promise<Archive> {
    const schema = opts.schema ?? DEFAULT_SCHEMA;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema))
      throw new ConfigError(msg('store:archiveSchema', { schema: JSON.stringify(schema) }));
    await migrate(url, schema, opts.log);
    const db = openDb(url, { log: opts.log, max: opts.poolSize, statementTimeoutMs: opts.statementTimeoutMs });
    return new Archive(db, tablesOf(schema));
  }

  /**
   * Writes a finished run, its NoEcho values masked as `template` (and the execution's own record of
   * them) declares. `templateHash`: the sha256 of the template's content, shown by the audit.
   */
  putRun(run: ArchivedRun, template?: AnyTemplate, templateHash?: string): Promise<void> {
    return writeRun(this.db, this.t, maskRun(run, template), templateHash);
  }

  /**
   * Writes a decided ticket. `masker`: its execution's (engine/mask.ts executionMasker), so that no
   * NoEcho value in its texts is written; credentials in its spec are masked in any case.
   */
  putTicket(ticket: Ticket, opts: { masker?: Masker; templateHash?: string } = {}): Promise<void> {
    return writeTicket(this.db, this.t, maskTicket(ticket, opts.masker), opts.templateHash);
  }

  run(executionId: string): Promise<ArchivedRun | undefined> {
    return readRun(this.db, this.t, executionId);
  }

  ticket(ticketId: string): Promise<Ticket | undefined> {
    return readTicket(this.db, this.t, ticketId);
  }

  ticketsOf(executionId: string): Promise<string[]> {
    return ticketIdsOf(this.db, this.t, executionId);
  }

  hasRun(executionId: string): Promise<boolean> {
    return hasRun(this.db, this.t, executionId);
  }

  /** Newest first by createDate; at most `limit` (1 to 1000) a page. */
  listRuns(q: ArchiveQuery, limit: number, cursor?: RunCursor): Promise<{ items: Execution[]; next?: RunCursor }> {
    return listRuns(this.db, this.t, q, limit, cursor);
  }

  audit(q: AuditQuery): Promise<{ records: AuditRecord[]; next?: string }> {
    return audit(this.db, this.t, q);
  }

  /** Resolves when PostgreSQL answers; throws ArchiveUnavailable (readiness) when it does not. */
  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
