import pg from 'pg';
import { ArchiveFailedError, ArchiveUnavailableError, OpsgateError } from '../errors.js';
import type { Logger } from '../log.js';

/** Runs one statement; rows as the driver parses them (json and jsonb parsed, timestamptz as Date). */
export type Query = <R = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

export interface Db {
  query: Query;
  /** fn's statements in one transaction, on one connection; rolled back when fn throws. */
  tx<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PoolOptions {
  log?: Logger;
  /** Connections at most: the archive is written by retention in bounded batches, not per request. */
  max?: number;
  /** The server cancels a statement after this; the client gives up a little later (a dead peer). 0: never. */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
}

// SQLSTATE classes that mean "not now" rather than "never": connection exception, transaction rollback
// (deadlock, serialization), insufficient resources, operator intervention (shutdown, statement timeout).
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57']);

/** A driver error as an OpsgateError: unreachable or overloaded is ArchiveUnavailable, the rest ArchiveFailed. */
export function archiveError(err: unknown, what: string): OpsgateError {
  if (err instanceof OpsgateError) return err;
  const message = `archive: ${what}: ${err instanceof Error ? err.message : String(err)}`;
  const sqlState = err instanceof pg.DatabaseError ? err.code : undefined;
  // No SQLSTATE: the socket, DNS, a timeout or a dropped connection, never the statement itself.
  if (!sqlState || TRANSIENT_CLASSES.has(sqlState.slice(0, 2)))
    return new ArchiveUnavailableError(message, { cause: err });
  return new ArchiveFailedError(message, { cause: err });
}

/** A bounded pool on `url` whose every failure carries a stable code. */
export function openDb(url: string, opts: PoolOptions = {}): Db {
  const statementTimeout = opts.statementTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 4,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout, query_timeout: statementTimeout + 2_000 } : {}),
    keepAlive: true,
    application_name: 'opsgate',
  });
  // An idle connection the server drops emits here; unhandled, it would end the process.
  // i18n-exempt: a log line
  pool.on('error', (err) => opts.log?.warn({ err: err.message }, 'archive: idle connection lost'));

  const run =
    (c: pg.Pool | pg.PoolClient): Query =>
    async <R>(sql: string, params?: unknown[]) => {
      try {
        return (await c.query(sql, params)).rows as R[];
      } catch (err) {
        throw archiveError(err, firstWords(sql));
      }
    };

  return {
    query: run(pool),
    async tx(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw archiveError(err, 'connect');
      }
      const q = run(client);
      let broken: unknown;
      // A checked-out client reports a lost connection on itself, not on the pool: unheard, it would throw.
      const lost = (err: Error) => {
        broken = err;
      };
      client.on('error', lost);
      try {
        await q('BEGIN');
        const out = await fn(q);
        await q('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: unknown) => {
          broken = e; // the connection is gone or confused: not returned to the pool
        });
        throw archiveError(err, 'transaction');
      } finally {
        client.off('error', lost);
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    close: () => pool.end(),
  };
}

/** What a failed statement was, for its message, without its parameters (they may be large). */
const firstWords = (sql: string) => sql.trim().split(/\s+/).slice(0, 4).join(' ');
