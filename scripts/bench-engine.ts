import { executionOf } from '../src/queue/processor.js';
/**
 * The engine's figures for `npm run bench`, each against a raw BullMQ anchor measured in the same run
 * on the same Redis: executions/s of a 3-task template against raw 3-job chains, Redis bytes per
 * Waiting execution against a raw waiting job, and approval-decided-to-next-task latency against
 * queue.add-to-processor-start. Every measurement runs under its own random key prefix, deleted after.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { createRuntime, startStepWorker, type Runtime } from '../src/bin/runtime.js';
import { loadConfig } from '../src/bin/config.js';
import { createLogger } from '../src/log.js';
import { NOTIFY } from '../src/queue/producer.js';
import { connect, deletePrefix } from '../src/store/redis.js';

const FIXTURES = fileURLToPath(new URL('./bench-fixtures/', import.meta.url));
const NOOP = 'bench-noop-3';
const APPROVAL = 'bench-approval';
/** The job options opsgate's Producer gives step jobs, so raw jobs do the same Redis work. */
const KEEP = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  attempts: 10,
  backoff: { type: 'exponential', delay: 100 },
};
const TIMEOUT_MS = 120_000;

export interface EngineBenchOptions {
  redisUrl: string;
  /** Executions (and raw chains) per rate measurement. */
  rateCount?: number;
  concurrencies?: number[];
  /** Executions left Waiting at an approval for the memory figure. */
  memoryCount?: number;
  /** Approvals decided one at a time for the latency figure. */
  approvals?: number;
  print?: (line: string) => void;
}

// ---------------------------------------------------------------- helpers

const newPrefix = () => `ogb-${randomBytes(5).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Runs fn(0..n-1) with at most `width` calls in flight. */
export async function pool<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

/** A promise that resolves after n ticks, or fails saying how far it got. */
function countdown(n: number, what: string) {
  let left = n;
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const done = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  done.catch(() => undefined); // awaited later; a timeout before then must not be an unhandled rejection
  const timer = setTimeout(
    () => reject(new Error(`timed out after ${TIMEOUT_MS / 1000} s: ${n - left} of ${n} ${what}`)),
    TIMEOUT_MS,
  );
  return {
    tick() {
      if (--left === 0) {
        clearTimeout(timer);
        resolve();
      }
    },
    done,
  };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + TIMEOUT_MS;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** CPU used by this process and by the Redis server over a span, in % of one core. */
async function cpuMeter(admin: Redis) {
  const redisCpu = async () => {
    const info = await admin.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return field('used_cpu_user') + field('used_cpu_sys');
  };
  const t = performance.now();
  const node = process.cpuUsage();
  const redis = await redisCpu();
  return async () => {
    const wall = (performance.now() - t) / 1000;
    const n = process.cpuUsage(node);
    return { node: ((n.user + n.system) / 1e6 / wall) * 100, redis: (((await redisCpu()) - redis) / wall) * 100 };
  };
}

/** A runtime as `opsgate start` builds it, on a fresh prefix, with the bench's templates and directory. */
export async function withRuntime<T>(redisUrl: string, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig({
    REDIS_URL: redisUrl,
    OPSGATE_KEY_PREFIX: newPrefix(),
    LOG_LEVEL: 'silent',
    OPSGATE_TEMPLATES: FIXTURES,
    OPSGATE_DIRECTORY: `${FIXTURES}bench-directory.yaml`,
  });
  const rt = createRuntime(config, redisUrl, createLogger(config.logLevel));
  try {
    const { failed } = await rt.templates.loadFolders([`${FIXTURES}${NOOP}.yaml`, `${FIXTURES}${APPROVAL}.yaml`]);
    if (failed.length) throw new Error(`bench templates: ${failed.map((f) => `${f.file}: ${f.error}`).join('; ')}`);
    return await fn(rt);
  } finally {
    await deletePrefix(rt.redis, `*${rt.keys.prefix}*`);
    await rt.close();
  }
}

/** A raw BullMQ queue on its own prefix, on one plain connection, as opsgate's runtime gives BullMQ one. */
async function withRawQueue<T>(
  redisUrl: string,
  fn: (q: { queue: Queue; connection: Redis; prefix: string }) => Promise<T>,
): Promise<T> {
  const name = newPrefix();
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('raw', { connection, prefix: `{${name}}` });
  try {
    return await fn({ queue, connection, prefix: `{${name}}` });
  } finally {
    await queue.close();
    await deletePrefix(connection, `*${name}*`);
    connection.disconnect();
  }
}

const startNoop = (rt: Runtime, templateName = NOOP) =>
  rt.executions.start({ templateName, parameters: {}, owner: 'requester', origin: { platform: 'api' } });

async function statuses(rt: Runtime, ids: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 1000) {
    const p = rt.redis.pipeline();
    for (const id of ids.slice(i, i + 1000)) p.hget(rt.keys.execution(id), 'status');
    for (const [, s] of (await p.exec()) ?? []) counts.set(String(s), (counts.get(String(s)) ?? 0) + 1);
  }
  return counts;
}

// ---------------------------------------------------------------- rate

/** When the worker's first job started: rates are timed from there, leaving out its connecting. */
const firstActive = (worker: { once(event: 'active', l: () => void): unknown }) =>
  new Promise<number>((r) => {
    worker.once('active', () => r(performance.now()));
  });

export interface Rate {
  perSecond: number;
  seconds: number;
  cpu: { node: number; redis: number };
  startsPerSecond?: number;
}

/** Raw BullMQ: n chains of 3 jobs, each job adding the next, first jobs queued before the worker starts. */
export async function rawChainRate(redisUrl: string, admin: Redis, n: number, concurrency: number): Promise<Rate> {
  return withRawQueue(redisUrl, async ({ queue, connection, prefix }) => {
    for (let i = 0; i < n; i += 1000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({
          name: 'chain',
          data: { chain: i + k, step: 1 },
          opts: KEEP,
        })),
      );
    }
    const finished = countdown(n, 'raw chains finished');
    const cpu = await cpuMeter(admin);
    const worker = new Worker(
      'raw',
      async (job: Job<{ chain: number; step: number }>) => {
        if (job.data.step < 3) await queue.add('chain', { chain: job.data.chain, step: job.data.step + 1 }, KEEP);
      },
      { connection, prefix, concurrency },
    );
    const first = firstActive(worker);
    worker.on('completed', (job) => {
      if (job.data.step === 3) finished.tick();
    });
    try {
      await finished.done;
      const seconds = (performance.now() - (await first)) / 1000;
      return { perSecond: n / seconds, seconds, cpu: await cpu() };
    } finally {
      await worker.close();
    }
  });
}

/** opsgate: n executions of the 3-no-op-task template, started (queued) before the worker starts. */
export async function engineRate(redisUrl: string, admin: Redis, n: number, concurrency: number): Promise<Rate> {
  return withRuntime(redisUrl, async (rt) => {
    const t0 = performance.now();
    const ids = (await pool(n, 50, () => startNoop(rt))).map((e) => e.id);
    const startsPerSecond = n / ((performance.now() - t0) / 1000);
    const finished = countdown(n, 'executions finished');
    const cpu = await cpuMeter(admin);
    const worker = startStepWorker(rt, concurrency);
    const first = firstActive(worker);
    // An execution's start job; not the reconcile and retention jobs its schedulers add at once.
    worker.on('completed', (job) => job.name === 'start' && finished.tick());
    try {
      await finished.done;
      const seconds = (performance.now() - (await first)) / 1000;
      const used = await cpu();
      const counts = await statuses(rt, ids);
      const ok = counts.get('Success') ?? 0;
      if (ok !== n) throw new Error(`only ${ok} of ${n} executions succeeded: ${JSON.stringify([...counts])}`);
      return { perSecond: n / seconds, seconds, cpu: used, startsPerSecond };
    } finally {
      await worker.close();
    }
  });
}

// ---------------------------------------------------------------- latency

export interface Latency {
  p50: number;
  p99: number;
  alt: { p50: number; p99: number };
  extra?: { p50: number; p99: number };
}
const summary = (xs: number[]) => ({ p50: percentile(xs, 0.5), p99: percentile(xs, 0.99) });

/** Raw BullMQ: queue.add (from the call) to the processor's start, one job at a time on an idle worker. */
export async function rawAddLatency(redisUrl: string, n: number, warmup = 20): Promise<Latency> {
  return withRawQueue(redisUrl, async ({ queue, connection, prefix }) => {
    const started = new Map<number, (t: number) => void>();
    const worker = new Worker(
      'raw',
      async (job: Job<{ i: number }>) => {
        started.get(job.data.i)?.(performance.now());
      },
      { connection, prefix, concurrency: 10 },
    );
    const fromCall: number[] = [];
    const fromReturn: number[] = [];
    try {
      await worker.waitUntilReady();
      for (let i = 0; i < warmup + n; i++) {
        const seen = new Promise<number>((r) => started.set(i, r));
        const t0 = performance.now();
        await queue.add('one', { i }, KEEP);
        const t1 = performance.now();
        const t2 = await seen;
        if (i >= warmup) {
          fromCall.push(t2 - t0);
          fromReturn.push(Math.max(0, t2 - t1));
        }
        await sleep(2); // let the worker go idle again
      }
    } finally {
      await worker.close();
    }
    return { ...summary(fromCall), alt: summary(fromReturn) };
  });
}

/**
 * opsgate: n executions wait at an ACS::Approve; one at a time, the deciding vote, then the time until
 * the save that records the next task Running returns (the moment Redis shows it). The store's save
 * is wrapped to see that moment; the task's own startDate (ms precision) is read back as a check.
 */
export async function approvalLatency(redisUrl: string, n: number, warmup = 20): Promise<Latency> {
  return withRuntime(redisUrl, async (rt) => {
    const store = rt.executionStore;
    const save = store.save.bind(store);
    const nextStarted = new Map<string, (t: number) => void>();
    store.save = async (...args: Parameters<typeof save>) => {
      const ok = await save(...args);
      const exec = args[0];
      const after = exec.tasks.after;
      if (ok && after && (after.status === 'Running' || after.status === 'Success'))
        nextStarted.get(exec.id)?.(performance.now());
      return ok;
    };
    const jobDone = new Map<string, () => void>();
    const total = warmup + n;
    const parked = countdown(total, 'executions waiting at the approval');
    const worker = startStepWorker(rt, 10);
    worker.on('completed', (job) => {
      if (job.name === 'start') parked.tick();
      else jobDone.get(executionOf(job.data) ?? '')?.();
    });
    try {
      const ids = (await pool(total, 20, () => startNoop(rt, APPROVAL))).map((e) => e.id);
      await parked.done;
      const approver = rt.directory.user('approver');
      const fromReturn: number[] = [];
      const fromCall: number[] = [];
      const byStartDate: number[] = [];
      for (const [i, id] of ids.entries()) {
        const exec = await rt.executions.get(id);
        const ticketId = exec.tasks.approve?.data?.ticketId;
        if (exec.status !== 'Waiting' || typeof ticketId !== 'string')
          throw new Error(`execution ${id} is ${exec.status}, not waiting at its approval`);
        const seen = new Promise<number>((r) => nextStarted.set(id, r));
        const finished = new Promise<void>((r) => jobDone.set(id, r));
        const t0 = performance.now();
        const vote = await rt.approvals.vote(ticketId, approver, 'AGREE');
        const t1 = performance.now();
        const wall = Date.now();
        if (vote.outcome !== 'decided') throw new Error(`vote on ${ticketId}: ${vote.outcome}`);
        const t2 = await seen;
        await finished; // the resumed job has ended: the next vote finds the worker idle
        if (i < warmup) continue;
        fromReturn.push(Math.max(0, t2 - t1));
        fromCall.push(t2 - t0);
        const startDate = (await rt.executions.get(id)).tasks.after?.startDate;
        if (startDate) byStartDate.push(Math.max(0, Date.parse(startDate) - wall));
        await sleep(2);
      }
      return { ...summary(fromReturn), alt: summary(fromCall), extra: summary(byStartDate) };
    } finally {
      await worker.close();
    }
  });
}

// ---------------------------------------------------------------- memory

export interface Memory {
  bytesPerItem: number;
  keys: number;
  infoDeltaPerItem: number;
  byKind: [string, number][];
}

/** MEMORY USAGE (exact: SAMPLES 0) over every key containing the prefix, grouped by kind of key. */
async function prefixMemory(
  admin: Redis,
  prefix: string,
): Promise<{ total: number; keys: number; byKind: Map<string, number> }> {
  const byKind = new Map<string, number>();
  let total = 0;
  let keys = 0;
  let cursor = '0';
  do {
    const [next, found] = await admin.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (!found.length) continue;
    const p = admin.pipeline();
    for (const k of found) p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
    const sizes = (await p.exec()) ?? [];
    found.forEach((k, i) => {
      const bytes = Number(sizes[i]?.[1] ?? 0);
      const kind = kindOf(k, prefix);
      byKind.set(kind, (byKind.get(kind) ?? 0) + bytes);
      total += bytes;
      keys++;
    });
  } while (cursor !== '0');
  return { total, keys, byKind };
}

/** A key's kind: ids of executions, tickets and jobs replaced by placeholders. */
function kindOf(key: string, prefix: string): string {
  const bull = `{${prefix}}:`;
  if (key.startsWith(bull)) {
    const [queue, ...rest] = key.slice(bull.length).split(':');
    const r = rest.join(':');
    return `bullmq ${queue}:${/^(start|resume|wake|item)-|^\d+$/.test(r) ? '<job>' : r}`;
  }
  return key
    .slice(prefix.length + 1)
    .replace(/\{exec-[0-9a-f]+\}/, '{exec}')
    .replace(/:ticket:\d+/, ':ticket:<id>');
}

async function usedMemory(admin: Redis): Promise<number> {
  return Number(/^used_memory:(\d+)/m.exec(await admin.info('memory'))?.[1] ?? 0);
}

/** Raw BullMQ: n waiting jobs of a 500-byte payload. */
export async function rawJobMemory(redisUrl: string, admin: Redis, n: number): Promise<Memory> {
  return withRawQueue(redisUrl, async ({ queue, prefix }) => {
    const before = await usedMemory(admin);
    const payload = 'x'.repeat(488); // {"payload":"..."}: 500 bytes of JSON
    for (let i = 0; i < n; i += 1000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1000, n - i) }, () => ({ name: 'job', data: { payload }, opts: KEEP })),
      );
    }
    const m = await prefixMemory(admin, prefix.slice(1, -1));
    return {
      bytesPerItem: m.total / n,
      keys: m.keys,
      infoDeltaPerItem: ((await usedMemory(admin)) - before) / n,
      byKind: perItem(m.byKind, n),
    };
  });
}

const perItem = (byKind: Map<string, number>, n: number): [string, number][] =>
  [...byKind].map(([k, v]): [string, number] => [k, v / n]).sort((a, b) => b[1] - a[1]);

/**
 * opsgate: n executions started and run to their ACS::Approve, where they wait. Notifications are
 * consumed by a no-op worker (the bot process's part), so what is left is what a waiting run keeps.
 */
export async function waitingMemory(redisUrl: string, admin: Redis, n: number): Promise<Memory> {
  const before = await usedMemory(admin);
  return withRuntime(redisUrl, async (rt) => {
    const parked = countdown(n, 'executions waiting at the approval');
    const worker = startStepWorker(rt, 50);
    worker.on('completed', (job) => job.name === 'start' && parked.tick());
    const bot = new Worker(NOTIFY, async () => undefined, {
      connection: rt.queues,
      prefix: rt.keys.bullPrefix,
      concurrency: 50,
    });
    try {
      const ids = (await pool(n, 50, () => startNoop(rt, APPROVAL))).map((e) => e.id);
      await parked.done;
      await waitFor('the notifications to drain', async () => {
        const c = await rt.producer.notifications.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(c).every((v) => v === 0) ? true : undefined;
      });
      const waiting = (await statuses(rt, ids)).get('Waiting') ?? 0;
      if (waiting !== n) throw new Error(`only ${waiting} of ${n} executions are Waiting`);
    } finally {
      await Promise.all([worker.close(), bot.close()]);
    }
    const m = await prefixMemory(admin, rt.keys.prefix);
    return {
      bytesPerItem: m.total / n,
      keys: m.keys,
      infoDeltaPerItem: ((await usedMemory(admin)) - before) / n,
      byKind: perItem(m.byKind, n),
    };
  });
}

// ---------------------------------------------------------------- Redis calls (MONITOR)

export interface Calls {
  top: number;
  inScripts: number;
  byCommand: [string, number][];
}

/** sha1 of every Lua script either side defines, to name EVALSHA calls. */
async function scriptNames(): Promise<Map<string, string>> {
  const sha = (s: string) => createHash('sha1').update(s).digest('hex');
  const names = new Map<string, string>();
  const lua = fileURLToPath(new URL('../src/store/lua/', import.meta.url));
  for (const f of readdirSync(lua))
    names.set(sha(readFileSync(lua + f, 'utf8')), `opsgate:${f.replace(/-\d+\.lua$/, '')}`);
  try {
    const bull = (await import('bullmq/dist/esm/scripts/index.js')) as Record<
      string,
      { name?: string; content?: string }
    >;
    for (const s of Object.values(bull)) if (s.name && s.content) names.set(sha(s.content), `bullmq:${s.name}`);
  } catch {
    /* unnamed: shown by sha */
  }
  return names;
}

/** Redis commands run for one unit of work, seen with MONITOR: those naming `prefix` in their arguments. */
async function countCalls(
  redisUrl: string,
  prefix: string,
  names: Map<string, string>,
  work: () => Promise<void>,
): Promise<Calls> {
  // monitor() opens a connection of its own; the lazy client it is made from never connects.
  const monitor = await new Redis(redisUrl, { lazyConnect: true }).monitor();
  const byCommand = new Map<string, number>();
  let top = 0;
  let inScripts = 0;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!args.some((a) => a.includes(prefix))) return;
    if (source === 'lua') {
      inScripts++;
      return;
    }
    top++;
    let cmd = String(args[0]).toLowerCase();
    if (cmd === 'evalsha') cmd = names.get(String(args[1])) ?? `evalsha ${String(args[1]).slice(0, 8)}`;
    // EVAL: a script's first run on a connection (ioredis falls back to it on NOSCRIPT).
    if (cmd === 'eval') cmd = `eval "${/^--\[\[(?:\\n|\s)*(.{0,30})/.exec(String(args[1]))?.[1] ?? ''}..."`;
    byCommand.set(cmd, (byCommand.get(cmd) ?? 0) + 1);
  });
  try {
    await work();
    await sleep(100); // the last commands' monitor lines
  } finally {
    monitor.disconnect();
  }
  return { top, inScripts, byCommand: [...byCommand].sort((a, b) => b[1] - a[1]) };
}

/** Calls of one 3-task execution (start to end), one raw 3-job chain, and one approval (vote to end). */
export async function callCounts(redisUrl: string): Promise<{ engine: Calls; chain: Calls; approval: Calls }> {
  const names = await scriptNames();
  const chain = await withRawQueue(redisUrl, async ({ queue, connection, prefix }) => {
    let end = () => {};
    const worker = new Worker(
      'raw',
      async (job: Job<{ step: number }>) => {
        if (job.data.step < 3) await queue.add('chain', { step: job.data.step + 1 }, KEEP);
      },
      { connection, prefix, concurrency: 10 },
    );
    worker.on('completed', (job) => {
      if (job.data.step === 3) end();
    });
    try {
      await worker.waitUntilReady();
      const chain = async () => {
        const done = new Promise<void>((r) => {
          end = r;
        });
        await queue.add('chain', { step: 1 }, KEEP);
        await done;
      };
      await chain(); // warm: scripts loaded on this connection
      await sleep(100);
      return await countCalls(redisUrl, prefix.slice(1, -1), names, chain);
    } finally {
      await worker.close();
    }
  });
  return withRuntime(redisUrl, async (rt) => {
    const done = new Map<string, () => void>();
    const worker = startStepWorker(rt, 10);
    worker.on('completed', (job) => done.get(executionOf(job.data) ?? '')?.());
    const ended = (id: string) => new Promise<void>((r) => done.set(id, r));
    try {
      await worker.waitUntilReady();
      await startNoop(rt).then((e) => ended(e.id)); // warm: templates parsed, scripts loaded
      await sleep(100);
      const engine = await countCalls(redisUrl, rt.keys.prefix, names, async () => {
        const seen = new Promise<void>((r) => {
          worker.once('completed', () => r());
        });
        await startNoop(rt);
        await seen;
      });
      const waiting = await startNoop(rt, APPROVAL);
      await ended(waiting.id);
      const ticketId = String((await rt.executions.get(waiting.id)).tasks.approve?.data?.ticketId);
      await sleep(100);
      const approval = await countCalls(redisUrl, rt.keys.prefix, names, async () => {
        const finished = ended(waiting.id);
        await rt.approvals.vote(ticketId, rt.directory.user('approver'), 'AGREE');
        await finished;
      });
      return { engine, chain, approval };
    } finally {
      await worker.close();
    }
  });
}

// ---------------------------------------------------------------- the report

const medianRate = (rates: Rate[]) =>
  [...rates].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(rates.length / 2)]!;
const num = (v: number, digits = 0) =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const row = (what: string, anchor: string, opsgate: string, ratio: string) =>
  `${what.padEnd(48)} ${anchor.padStart(14)} ${opsgate.padStart(14)} ${ratio.padStart(7)}`;
const x = (r: number) => `${r.toFixed(2)}x`;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** Redis's version when one answers at `url` within a second, else undefined. */
export async function redisAnswers(url: string): Promise<string | undefined> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return /^redis_version:(\S+)/m.exec(await r.info('server'))?.[1] ?? '?';
  } catch {
    return undefined;
  } finally {
    r.disconnect();
  }
}

export async function runEngineBench(opts: EngineBenchOptions): Promise<void> {
  const {
    redisUrl,
    rateCount = 2000,
    concurrencies = [10, 50],
    memoryCount = 10_000,
    approvals = 1000,
    print = console.log,
  } = opts;
  const version = await redisAnswers(redisUrl);
  if (!version) {
    print(`\nengine: skipped, no Redis answers at ${redisUrl} (set REDIS_URL)`);
    return;
  }
  const admin = connect(redisUrl);
  try {
    print(
      `\nengine: Redis ${version} at ${redisUrl}, ${cpus().length} cores; anchors are raw BullMQ on the same ` +
        `Redis, in this run`,
    );

    // Warm-up (JIT, script cache), not reported.
    await rawChainRate(redisUrl, admin, 200, 10);
    await engineRate(redisUrl, admin, 200, 10);

    print(
      `rate: ${num(rateCount)} executions of ${NOOP} (3 x ACS::Sleep PT0S) vs ${num(rateCount)} raw 3-job ` +
        `chains (each job adds the next), queued before the worker starts, timed from its first job; median of 3`,
    );
    print(row('what', 'anchor', 'opsgate', 'ratio'));
    const goals: string[] = [];
    const notes: string[] = [];
    for (const c of concurrencies) {
      // Median of three rounds, anchor and opsgate taking turns, so a passing disturbance hits both.
      const raws: Rate[] = [];
      const engs: Rate[] = [];
      for (let round = 0; round < 3; round++) {
        raws.push(await rawChainRate(redisUrl, admin, rateCount, c));
        engs.push(await engineRate(redisUrl, admin, rateCount, c));
      }
      const raw = medianRate(raws);
      const eng = medianRate(engs);
      const r = eng.perSecond / raw.perSecond;
      print(
        row(`executions/s vs chains/s, concurrency ${c}`, `${num(raw.perSecond)}/s`, `${num(eng.perSecond)}/s`, x(r)),
      );
      goals.push(`c${c} ${met(r >= 0.8)}`);
      notes.push(
        `c${c}: CPU node ${num(raw.cpu.node)}% redis ${num(raw.cpu.redis)}% (raw) / node ${num(eng.cpu.node)}% ` +
          `redis ${num(eng.cpu.redis)}% (opsgate); executions.start ${num(eng.startsPerSecond ?? 0)}/s`,
      );
    }
    for (const n of notes) print(`  ${n}`);
    print(`goal: at least 0.8x the raw chain rate -> ${goals.join(', ')}`);

    const calls = await callCounts(redisUrl);
    const top = (c: Calls) =>
      c.byCommand
        .slice(0, 8)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    print(
      `Redis calls (MONITOR, commands naming the prefix): raw 3-job chain ${calls.chain.top} (+` +
        `${calls.chain.inScripts} inside scripts); ` +
        `opsgate 3-task execution ${calls.engine.top} (+${calls.engine.inScripts}); approval vote to end ` +
        `${calls.approval.top} (+${calls.approval.inScripts})`,
    );
    print(`  opsgate execution: ${top(calls.engine)}`);
    print(`  raw chain: ${top(calls.chain)}`);

    print(`latency: ${approvals} approvals one at a time, worker concurrency 10, idle between (ms)`);
    print(row('what', 'anchor', 'opsgate', 'ratio'));
    const add = await rawAddLatency(redisUrl, approvals);
    const appr = await approvalLatency(redisUrl, approvals);
    print(
      row(
        'decided vote returned -> next task Running, p50',
        `${add.p50.toFixed(2)} ms`,
        `${appr.p50.toFixed(2)} ms`,
        x(appr.p50 / add.p50),
      ),
    );
    print(
      row(
        'decided vote returned -> next task Running, p99',
        `${add.p99.toFixed(2)} ms`,
        `${appr.p99.toFixed(2)} ms`,
        x(appr.p99 / add.p99),
      ),
    );
    print(`goal: p99 at most 2x the anchor -> ${met(appr.p99 / add.p99 <= 2)}`);
    print(
      `  anchor: queue.add called -> processor start (from add's return: p50 ${add.alt.p50.toFixed(2)}, p99 ` +
        `${add.alt.p99.toFixed(2)} ms); ` +
        `opsgate from the vote's call: p50 ${appr.alt.p50.toFixed(2)}, p99 ${appr.alt.p99.toFixed(2)} ms; ` +
        `by the task's startDate (1 ms steps): p50 ${appr.extra!.p50.toFixed(0)}, p99 ${appr.extra!.p99.toFixed(0)} ms`,
    );

    print(
      `memory: ${num(memoryCount)} executions Waiting at ACS::Approve (${APPROVAL}) vs ${num(memoryCount)} raw ` +
        `waiting jobs (500 B payload); MEMORY USAGE over the prefix's keys`,
    );
    print(row('what', 'anchor', 'opsgate', 'ratio'));
    const job = await rawJobMemory(redisUrl, admin, memoryCount);
    const mem = await waitingMemory(redisUrl, admin, memoryCount);
    print(
      row(
        'Redis bytes per Waiting execution',
        `${num(job.bytesPerItem)} B`,
        `${num(mem.bytesPerItem)} B`,
        x(mem.bytesPerItem / job.bytesPerItem),
      ),
    );
    const kinds = mem.byKind.filter(([, v]) => v >= 1);
    print(
      `  opsgate by key (bytes per execution): ${kinds
        .slice(0, 6)
        .map(([k, v]) => `${k} ${num(v)}`)
        .join(', ')},`,
    );
    print(
      `    ${kinds
        .slice(6)
        .map(([k, v]) => `${k} ${num(v)}`)
        .join(', ')}`,
    );
    print(
      `  INFO used_memory delta per item (noisy if others share the Redis): raw ${num(job.infoDeltaPerItem)} B, ` +
        `opsgate ${num(mem.infoDeltaPerItem)} B; keys: raw ${num(job.keys)}, opsgate ${num(mem.keys)}`,
    );
    print(`goal: under 1.5 KB per Waiting execution -> ${met(mem.bytesPerItem < 1536)}`);
  } finally {
    admin.disconnect();
  }
}
