import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL the archive tests use: OPSGATE_TEST_PG_URL, else 127.0.0.1:5432 database `test` with
 * trust auth as postgres, then as root; a test that finds none fails, saying so.
 */
const CANDIDATES = process.env.OPSGATE_TEST_PG_URL
  ? [process.env.OPSGATE_TEST_PG_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

let found: Promise<string | undefined> | undefined;

/**
 * A URL that answers. The archive tests run wherever `npm test` runs, as the Redis ones do: without a
 * PostgreSQL they fail, saying how to get one (.ci/run starts one).
 */
export async function postgresForTests(): Promise<{ url: string }> {
  found ??= (async () => {
    for (const url of CANDIDATES) if (await answers(url)) return url;
    return undefined;
  })();
  const url = await found;
  if (url) return { url };
  throw new Error(
    `no PostgreSQL answers at ${CANDIDATES.join(' or ')}: the archive tests need one ` +
      '(trust auth, database test; set OPSGATE_TEST_PG_URL; .ci/run starts one)',
  );
}

/** A schema of its own for one test file: opsgate_test_<random>. */
export const testSchema = () => `opsgate_test_${randomBytes(6).toString('hex')}`;

export async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await c.end();
  }
}

/** Runs one statement on its own connection (what a test reads behind the archive's back). */
export async function sql<R = Record<string, unknown>>(url: string, text: string, params?: unknown[]): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as R[];
  } finally {
    await c.end();
  }
}
