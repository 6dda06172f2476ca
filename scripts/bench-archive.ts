/**
 * Archive writes per second: Archive.putRun of a finished 3-task run (masking, the execution's row and
 * its three task records in one transaction), against the bare anchor of upserting the same execution
 * document into a one-column jsonb table, on the same PostgreSQL in the same run, both through a pool
 * of 4 connections with 4 writes in flight. Everything runs in a schema of its own, dropped after.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Archive } from '../src/archive/archive.js';
import type { ArchivedRun } from '../src/archive/types.js';
import type { Execution, TaskRecord } from '../src/engine/types.js';
import { pool, row } from './bench-engine.js';

const WIDTH = 4;

function runOf(id: string): ArchivedRun {
  const now = Date.now();
  const at = (s: number) => new Date(now + s * 1000).toISOString();
  const task = (n: number): TaskRecord => ({
    taskExecutionId: `${id}-t${n}`,
    status: 'Success',
    action: 'ACS::RunShellScript',
    startDate: at(n),
    endDate: at(n + 1),
    properties: { Script: `echo step ${n}; echo "$Password" | login`, Timeout: 60 },
    outputs: { stdout: `step ${n}\nlogged in\n`, code: 0 },
  });
  const tasks = { one: task(1), two: task(2), three: task(3) };
  const execution: Execution = {
    id,
    templateName: 'bench-noop-3',
    templateVersion: 'v1',
    parameters: { Password: 'bench-secret-value', Region: 'cn-hangzhou', Hosts: ['a', 'b', 'c'] },
    noEcho: ['Password'],
    status: 'Success',
    tasks,
    outputs: { done: true },
    owner: 'alice',
    origin: { platform: 'api' },
    mode: 'Automatic',
    tags: { env: 'bench' },
    createDate: at(0),
    updateDate: at(4),
    endDate: at(4),
  };
  return {
    execution,
    taskRecords: Object.entries(tasks).map(([name, t]) => ({ ...t, name })),
    loopItems: {},
    children: [],
  };
}

async function answers(url: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return String((await c.query('SHOW server_version')).rows[0]?.server_version ?? '?');
  } catch {
    return undefined;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function runArchiveBench(url: string, count = 2000, print = console.log): Promise<void> {
  const version = await answers(url);
  if (!version) {
    print(`\narchive: skipped, no PostgreSQL answers at ${url} (set OPSGATE_TEST_PG_URL)`);
    return;
  }
  const schema = `opsgate_bench_${randomBytes(5).toString('hex')}`;
  const archive = await Archive.connect(url, { schema, poolSize: WIDTH });
  const bare = new pg.Pool({ connectionString: url, max: WIDTH });
  try {
    await bare.query(`CREATE TABLE ${schema}.bare (id text PRIMARY KEY, doc jsonb NOT NULL)`);
    const bareWrite = (r: ArchivedRun) =>
      bare.query(
        `INSERT INTO ${schema}.bare (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`,
        [r.execution.id, JSON.stringify(r.execution)],
      );
    const rate = async (tag: string, n: number, write: (r: ArchivedRun) => Promise<unknown>) => {
      const runs = Array.from({ length: n }, (_, i) => runOf(`exec-${tag}${i.toString(16)}`));
      const t = performance.now();
      await pool(n, WIDTH, (i) => write(runs[i]!));
      return n / ((performance.now() - t) / 1000);
    };
    // Warm-up (connections, plans), not reported.
    await rate('a0', 200, bareWrite);
    await rate('b0', 200, (r) => archive.putRun(r));
    const anchor = await rate('a1', count, bareWrite);
    const opsgate = await rate('b1', count, (r) => archive.putRun(r));

    print(
      `\narchive: PostgreSQL ${version}, ${count.toLocaleString('en')} finished 3-task runs, ${WIDTH} writes in ` +
        'flight; anchor: the bare execution document upserted into one jsonb table, in this run',
    );
    print(row('what', 'anchor', 'opsgate', 'ratio'));
    print(
      row(
        'archive writes/s: putRun vs bare jsonb upsert',
        `${Math.round(anchor).toLocaleString('en')}/s`,
        `${Math.round(opsgate).toLocaleString('en')}/s`,
        `${(opsgate / anchor).toFixed(2)}x`,
      ),
    );
  } finally {
    await bare.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await bare.end();
    await archive.close();
  }
}

// `node --import tsx scripts/bench-archive.ts [url]` runs it alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  await runArchiveBench(
    process.argv[2] ?? process.env.OPSGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  );
