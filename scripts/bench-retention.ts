/**
 * Retention's figures for `npm run bench`, against raw BullMQ measured in the same run on the same Redis:
 * (a) Redis bytes per finished execution of bench-noop-3 (MEMORY USAGE over opsgate's own keys, not
 * BullMQ's, by kind of key) against a completed BullMQ job kept (removeOnComplete false, 500 B payload);
 * (b) what is left per execution once retention swept them (no archive), against what a queue keeps
 * per job once its jobs are removed, and the sweep's executions/s against Queue.remove's jobs/s;
 * (c) with a PostgreSQL, the sweep archiving every run first, in a schema of its own dropped after.
 * Every measurement runs under its own random key prefix, deleted after.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { ArchiveLink } from '../src/bin/archive-link.js';
import { retentionOf, startStepWorker, type Runtime } from '../src/bin/runtime.js';
import { connect, deletePrefix } from '../src/store/redis.js';
import { pool, redisAnswers, row, withRuntime } from './bench-engine.js';

const NOOP = 'bench-noop-3';
const DAY = 24 * 3600 * 1000;
/** As far ahead as the sweeps look: every run is older than the retention (P30D by default). */
const LATER = 365 * DAY;
const TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const num = (v: number, digits = 0) =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const x = (r: number) => `${r.toFixed(2)}x`;

interface Usage {
  bytes: number;
  keys: number;
  byKind: Map<string, number>;
}

/** MEMORY USAGE (exact: SAMPLES 0) of every key matching `pattern` that `kindOf` names a kind of. */
async function usage(redis: Redis, pattern: string, kindOf: (key: string) => string | undefined): Promise<Usage> {
  const u: Usage = { bytes: 0, keys: 0, byKind: new Map() };
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const mine = found.map((k) => [k, kindOf(k)] as const).filter((f): f is [string, string] => f[1] !== undefined);
    if (!mine.length) continue;
    const p = redis.pipeline();
    for (const [k] of mine) p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
    const sizes = (await p.exec()) ?? [];
    mine.forEach(([, kind], i) => {
      const bytes = Number(sizes[i]?.[1] ?? 0);
      u.byKind.set(kind, (u.byKind.get(kind) ?? 0) + bytes);
      u.bytes += bytes;
      u.keys++;
    });
  } while (cursor !== '0');
  return u;
}

/** opsgate's own keys (BullMQ's, `{prefix}:...`, left out), execution and ticket ids as placeholders. */
const opsgateKinds = (prefix: string) => (key: string) =>
  key.startsWith(`${prefix}:`)
    ? key
        .slice(prefix.length + 1)
        .replace(/\{exec-[0-9a-f]+\}/, '{exec}')
        .replace(/:ticket:\d+/, ':ticket:<id>')
    : undefined;

/** Keys that belong to no run: what a Redis with no history keeps (templates, index state). */
const NO_RUN = /^(templates|template:.*|secret|executions:index|executions:template-names)$/;

async function waitFor(what: string, fn: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + TIMEOUT_MS;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------- anchor: raw BullMQ

interface RawFigures {
  bytesPerJob: number;
  leftPerJob: number;
  removedPerSecond: number;
}

/**
 * n jobs of a 500-byte payload completed and kept, then removed one at a time (Queue.remove), as
 * retention removes runs one at a time.
 */
async function rawCompleted(redisUrl: string, n: number): Promise<RawFigures> {
  const name = `ogb-${randomBytes(5).toString('hex')}`;
  const prefix = `{${name}}`;
  const connection = connect(redisUrl);
  // The events stream capped as opsgate caps its own (queue/producer.ts): jobs, not event history.
  const queue = new Queue('raw', { connection, prefix, streams: { events: { maxLen: 500 } } });
  const all = (k: string) => (k.startsWith(`${prefix}:`) ? 'raw' : undefined);
  try {
    const payload = 'x'.repeat(488); // {"payload":"..."}: 500 bytes of JSON
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1000) {
      const jobs = await queue.addBulk(
        Array.from({ length: Math.min(1000, n - i) }, () => ({
          name: 'job',
          data: { payload },
          opts: { removeOnComplete: false },
        })),
      );
      ids.push(...jobs.map((j) => j.id!));
    }
    const worker = new Worker('raw', async () => undefined, { connection, prefix, concurrency: 50 });
    try {
      await waitFor('the raw jobs', async () => (await queue.getCompletedCount()) === n);
    } finally {
      await worker.close();
    }
    const kept = await usage(connection, `${prefix}:*`, all);
    const t = performance.now();
    for (const id of ids) await queue.remove(id);
    const seconds = (performance.now() - t) / 1000;
    if (await queue.getCompletedCount()) throw new Error('raw jobs left after their removal');
    const left = await usage(connection, `${prefix}:*`, all);
    return { bytesPerJob: kept.bytes / n, leftPerJob: left.bytes / n, removedPerSecond: n / seconds };
  } finally {
    await queue.close();
    await deletePrefix(connection, `*${name}*`);
    connection.disconnect();
  }
}

// ---------------------------------------------------------------- opsgate

/** n executions of bench-noop-3 started, run by a worker to their end; the worker closed after. */
async function finishedRuns(rt: Runtime, n: number): Promise<void> {
  const worker = startStepWorker(rt, 50);
  try {
    await pool(n, 50, () =>
      rt.executions.start({ templateName: NOOP, parameters: {}, owner: 'requester', origin: { platform: 'api' } }),
    );
    const done = rt.keys.executionsByStatus('Success');
    await waitFor(`${n} executions to succeed`, async () => (await rt.redis.zcard(done)) >= n);
  } finally {
    await worker.close();
  }
}

/** One sweepAll as of a year on: executions/s (those it removed). */
async function sweepRate(
  rt: Runtime,
  n: number,
  archive?: ArchiveLink,
): Promise<{ perSecond: number; removed: number }> {
  const retention = retentionOf(rt, { now: () => Date.now() + LATER, ...(archive ? { archive } : {}) });
  const t = performance.now();
  const r = await retention.sweepAll();
  const seconds = (performance.now() - t) / 1000;
  if (r.archiveDown) throw new Error(`the archive refused: ${r.archiveDown}`);
  if (r.removed !== n) throw new Error(`the sweep removed ${r.removed} of ${n} executions`);
  return { perSecond: n / seconds, removed: r.removed };
}

async function pgAnswers(url: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return String((await c.query('SHOW server_version')).rows[0]?.server_version ?? '?').split(' ')[0];
  } catch {
    return undefined;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** One statement on a connection of its own. */
async function query(url: string, text: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

const kinds = (byKind: Map<string, number>, n: number) =>
  [...byKind]
    .sort((a, b) => b[1] - a[1])
    .filter(([, v]) => v / n >= 1)
    .map(([k, v]) => `${k} ${num(v / n)}`);

export async function runRetentionBench(
  redisUrl: string,
  pgUrl?: string,
  count = 1000,
  print: (line: string) => void = console.log,
): Promise<void> {
  const version = await redisAnswers(redisUrl);
  if (!version) {
    print(`\nretention: skipped, no Redis answers at ${redisUrl} (set REDIS_URL)`);
    return;
  }
  const admin = connect(redisUrl);
  try {
    const raw = await rawCompleted(redisUrl, count);
    await withRuntime(redisUrl, async (rt) => {
      const kindOf = opsgateKinds(rt.keys.prefix);
      const mine = `${rt.keys.prefix}:*`;
      const before = await usage(admin, mine, kindOf);
      await finishedRuns(rt, count);
      const kept = await usage(admin, mine, kindOf);
      const swept = await sweepRate(rt, count);
      const left = await usage(admin, mine, kindOf);

      print(
        `\nretention: Redis ${version}, ${num(count)} finished executions of ${NOOP} vs ${num(count)} completed ` +
          'BullMQ jobs kept (removeOnComplete false, 500 B payload), in this run; MEMORY USAGE over the ' +
          "prefix's keys (opsgate: its own, BullMQ's left out)",
      );
      print(row('what', 'anchor', 'opsgate', 'ratio'));
      const perRun = kept.bytes / count;
      print(
        row(
          'Redis bytes per finished execution',
          `${num(raw.bytesPerJob)} B`,
          `${num(perRun)} B`,
          x(perRun / raw.bytesPerJob),
        ),
      );
      print(`  opsgate by key (bytes per execution): ${kinds(kept.byKind, count).join(', ')}`);
      const leftPerRun = left.bytes / count;
      print(
        row(
          'bytes left per execution once swept (removed)',
          `${num(raw.leftPerJob, 1)} B`,
          `${num(leftPerRun, 1)} B`,
          x(leftPerRun / raw.leftPerJob),
        ),
      );
      const runKeys = [...left.byKind.keys()].filter((k) => !NO_RUN.test(k));
      print(
        `  left: ${num(left.keys)} keys, ${num(left.bytes)} B (before the runs: ${num(before.keys)} keys, ` +
          `${num(before.bytes)} B): ${[...left.byKind.keys()].sort().join(', ')}`,
      );
      print(
        row(
          'sweep (no archive): executions/s removed',
          `${num(raw.removedPerSecond)}/s`,
          `${num(swept.perSecond)}/s`,
          x(swept.perSecond / raw.removedPerSecond),
        ),
      );
      print('  anchor: the completed jobs removed one at a time (Queue.remove), jobs/s; one sweep, one run at a time');
      print(`goal: nothing of a run left once swept -> ${runKeys.length ? `NOT met (${runKeys.join(', ')})` : 'met'}`);

      const pgVersion = pgUrl ? await pgAnswers(pgUrl) : undefined;
      if (!pgUrl || !pgVersion) {
        print(`retention with the archive: skipped, no PostgreSQL answers at ${pgUrl ?? '(none given)'}`);
        return;
      }
      const schema = `opsgate_bench_${randomBytes(5).toString('hex')}`;
      const archive = new ArchiveLink(pgUrl, rt.log, { schema });
      try {
        await archive.get(); // connected and migrated before the clock starts
        await finishedRuns(rt, count);
        const archived = await sweepRate(rt, count, archive);
        const [rows] = await query(pgUrl, `SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(schema)}.executions`);
        if (rows?.n !== count) throw new Error(`the archive holds ${String(rows?.n)} of ${count} runs`);
        print(
          row(
            `sweep, archive (PG ${pgVersion}): executions/s`,
            `${num(raw.removedPerSecond)}/s`,
            `${num(archived.perSecond)}/s`,
            x(archived.perSecond / raw.removedPerSecond),
          ),
        );
        print(`  each run written to PostgreSQL (document, task records) before it left Redis: ${num(count)} rows`);
      } finally {
        await archive.close();
        await query(pgUrl, `DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      }
    });
  } finally {
    admin.disconnect();
  }
}

// `node --import tsx scripts/bench-retention.ts [redis-url] [pg-url]` runs it alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  await runRetentionBench(
    process.argv[2] ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    process.argv[3] ?? process.env.OPSGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  );
