import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { Logger } from '../log.js';
import { openDb } from './pool.js';

/** One file of migrations/: NNN-name.sql, applied once, in the order of NNN. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Beside this module in src/ (tsx) and in dist/ (scripts/copy-assets.mjs copies the folder).
const FOLDER = new URL('./migrations/', import.meta.url);

export function migrations(folder: URL = FOLDER): Migration[] {
  return readdirSync(folder)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(0, -4),
      sql: readFileSync(new URL(f, folder), 'utf8'),
    }));
}

/**
 * Brings `schema` up to the newest migration, all pending ones in one transaction. An advisory lock
 * makes processes that start together take turns: the first migrates, the others find it done.
 * Its own connection, with no statement timeout: a migration may take longer than a query should.
 * Returns the names it applied.
 */
export async function migrate(
  url: string,
  schema: string,
  log?: Logger,
  list: Migration[] = migrations(),
): Promise<string[]> {
  const db = openDb(url, { max: 1, statementTimeoutMs: 0, log });
  const s = pg.escapeIdentifier(schema);
  try {
    return await db.tx(async (q) => {
      await q('SELECT pg_advisory_xact_lock(hashtext($1))', [`opsgate-archive-migrate:${schema}`]);
      await q(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await q(`SET LOCAL search_path TO ${s}`);
      await q(
        'CREATE TABLE IF NOT EXISTS schema_migrations ' +
          // i18n-exempt: SQL
          '(version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set(
        (await q<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
      );
      const applied: string[] = [];
      for (const m of list) {
        if (done.has(m.version)) continue;
        await q(m.sql);
        await q('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        applied.push(m.name);
      }
      if (applied.length) log?.info({ schema, applied }, 'archive: migrated');
      return applied;
    });
  } finally {
    await db.close();
  }
}
