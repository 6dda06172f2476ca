import { executionOf } from '../../src/queue/processor.js';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createRuntime, startStepWorker, type Runtime } from '../../src/bin/runtime.js';
import { startWeb } from '../../src/bin/web.js';
import { loadConfig } from '../../src/bin/config.js';
import type { Execution } from '../../src/engine/types.js';
import { createLogger } from '../../src/log.js';
import { LoopStore } from '../../src/store/loops.js';
import { Target } from '../fakes/target.js';
import { sleep, startOpsgate, until, type Opsgate } from '../support/harness.js';
import { exited, WorkerPool } from '../support/worker-pool.js';

/**
 * Fault injection: workers killed with SIGKILL at random moments while 100 executions run, and
 * Redis itself restarted while executions wait for approval. What must hold: every execution ends
 * Success, nothing is left stuck or failed in the queue, and no task whose success was saved is
 * sent again (a re-send of unfinished work carries the same Idempotency-Key, which is its point).
 */

const TEMPLATE = 'loop-approval';
const TEMPLATES = 'test/fixtures/faults';
const ITEMS = 5;
const origin = { platform: 'api' as const };
const rand = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
const ACTIVE = new Set(['Queued', 'Running', 'Waiting']);

/** The Target, with the time each hit arrived (the Target itself keeps none). */
function stampHits(target: Target): WeakMap<object, number> {
  const at = new WeakMap<object, number>();
  const push = target.hits.push.bind(target.hits);
  target.hits.push = (...items) => {
    for (const h of items) at.set(h, Date.now());
    return push(...items);
  };
  return at;
}

/**
 * A slow way to the Target: forwards each request at once (so the Target records it when it is
 * sent) and holds the answer back 20-150 ms, widening the window between "sent" and "saved" in
 * which a killed worker leaves work it must send again.
 */
async function slowFront(target: Target): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('error', () => {});
    res.on('error', () => {});
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: IncomingHttpHeaders = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      const up = request(`${target.base}${req.url ?? '/'}`, { method: req.method, headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          setTimeout(
            () => {
              if (res.destroyed) return;
              res.writeHead(answer.statusCode ?? 502, {
                'content-type': answer.headers['content-type'] ?? 'application/json',
              });
              res.end(Buffer.concat(body));
            },
            rand(20, 150),
          );
        });
      });
      up.on('error', (err) => {
        if (!res.destroyed) {
          res.writeHead(502);
          res.end(err.message);
        }
      });
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** What is known about an execution that did not end: its stored state and its jobs. */
async function stuckReport(rt: Runtime, loops: LoopStore, id: string): Promise<{ kind: string; lines: string[] }> {
  const hash = await rt.redis.hgetall(rt.keys.execution(id));
  const e: Partial<Execution> = (await rt.executionStore.find(id)) ?? {};
  const tasks = Object.fromEntries(
    Object.entries(e.tasks ?? {}).map(([k, t]) => [k, `${t.status}${t.data ? ` ${JSON.stringify(t.data)}` : ''}`]),
  );
  const te = e.tasks?.touch?.taskExecutionId;
  const doc = te ? await loops.get(id, te) : undefined;
  const items = te ? (await loops.items(id, te)).map((i) => `${i.index}:${i.status}`) : [];
  const tickets = Object.fromEntries(Object.entries(hash).filter(([k]) => k.startsWith('ticket:')));
  const jobs = (
    await rt.producer.steps.getJobs(
      ['active', 'wait', 'waiting', 'delayed', 'failed', 'completed', 'prioritized'],
      0,
      -1,
    )
  ).filter((j) => j?.data && executionOf(j.data) === id);
  const jobLines = await Promise.all(
    jobs.map(
      async (j) =>
        `${j.id} ${await j.getState()} attempts=${j.attemptsMade} stalled=${j.stalledCounter}` +
        `${j.failedReason ? ` reason=${j.failedReason}` : ''}`,
    ),
  );
  const unqueued = doc
    ? doc.state.running.filter(
        (i) => !items.some((r) => r.startsWith(`${i}:`)) && !jobs.some((j) => j.id?.endsWith(`-${i}-run`)),
      )
    : [];
  const kind = !doc
    ? `${hash.status} at ${e.current}, no loop`
    : doc.state.finished
      ? e.tasks?.touch?.status === 'Running'
        ? 'loop finished in Redis, the driver was never resumed'
        : `${hash.status} at ${e.current} after the loop`
      : unqueued.length && Object.keys(doc.state.ended).length === 0
        ? 'loop created, its first items never enqueued'
        : unqueued.length
          ? 'loop item started in the loop state, never enqueued'
          : `${hash.status} at ${e.current}, loop running`;
  const loopState = doc
    ? JSON.stringify({
        running: doc.state.running,
        next: doc.state.next,
        ended: doc.state.ended,
        finished: doc.state.finished,
      })
    : 'none';
  const lines = [
    `${id} [${kind}]: stored status=${hash.status} runner=${JSON.stringify(hash.runner)} current=${e.current} ` +
      `message=${e.statusMessage ?? ''}`,
    `  tasks ${JSON.stringify(tasks)}`,
    `  loop ${loopState} items [${items.join(' ')}]`,
    `  tickets ${JSON.stringify(tickets)}`,
    ...jobLines.map((l) => `  job ${l}`),
  ];
  return { kind, lines };
}

describe('faults', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        /* keep cleaning */
      }
    }
  });

  test('SIGKILL at random moments: 100 executions end Success, no finished task is sent again', {
    timeout: 175_000,
  }, async (t) => {
    const EXECUTIONS = 100;
    const WAVES = 10;
    const WAVE_GAP_MS = 2_000;
    // The kills stop after 25 s; a job may still stall out (its workers die under it more than
    // maxStalledCount times) and is then recovered: see the last assertion.
    const KILL_PHASE_MS = 25_000;
    const SETTLE_MS = 120_000;
    const began = Date.now();

    const target = await new Target().start();
    cleanups.push(() => target.stop());
    const hitAt = stampHits(target);
    const front = await slowFront(target);
    cleanups.push(() => front.close());
    const og: Opsgate = await startOpsgate({
      worker: false,
      env: { OPSGATE_TEMPLATES: TEMPLATES, OPSGATE_LOCK_MS: '2000' },
    });
    cleanups.push(() => og.close());
    const pool = new WorkerPool(og.env);
    cleanups.push(() => pool.stop());
    const loops = new LoopStore(og.rt.redis, og.rt.keys);
    const { executionStore, approvals, directory } = og.rt;

    pool.spawn();
    pool.spawn();
    await until(() => pool.readyCount === 2, 'two workers', 30_000);
    await until(async () => (await og.rt.producer.steps.getWorkers()).length >= 2, 'two workers on the queue', 30_000);

    // Approves (as bob) whatever waits at the approval; remembers each execution's last state.
    const ids: string[] = [];
    const last = new Map<string, Execution>();
    const voted = new Map<string, string>();
    const voteOutcomes: Record<string, number> = {};
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const id of [...ids]) {
          if (last.get(id) && !ACTIVE.has(last.get(id)!.status)) continue;
          const e = await executionStore.get(id);
          last.set(id, e);
          const ticketId = e.tasks.approve?.data?.ticketId as string | undefined;
          if (e.status === 'Waiting' && e.tasks.approve?.status === 'Waiting' && ticketId && !voted.has(ticketId)) {
            const r = await approvals.vote(ticketId, directory.user('bob'), 'AGREE');
            voted.set(ticketId, r.outcome);
            voteOutcomes[r.outcome] = (voteOutcomes[r.outcome] ?? 0) + 1;
          }
        }
        await sleep(100);
      }
    })();

    // The killer: every 300-900 ms one live worker dies and another starts.
    let killing = true;
    const killer = (async () => {
      while (killing) {
        await sleep(rand(300, 900));
        if (killing) await pool.killOne();
      }
    })();

    const killStart = Date.now();
    for (let w = 0; w < WAVES; w++) {
      const wave = await Promise.all(
        Array.from({ length: EXECUTIONS / WAVES }, () =>
          og.rt.executions.start({
            templateName: TEMPLATE,
            parameters: { target: `${front.url}/op` },
            owner: 'alice',
            origin,
          }),
        ),
      );
      ids.push(...wave.map((e) => e.id));
      if (w < WAVES - 1) await sleep(WAVE_GAP_MS);
    }
    await sleep(Math.max(0, KILL_PHASE_MS - (Date.now() - killStart)));
    killing = false;
    await killer;
    const killsDone = Date.now();

    let settled = true;
    try {
      await until(
        () => ids.every((id) => last.get(id) && !ACTIVE.has(last.get(id)!.status)),
        'every execution to end',
        SETTLE_MS,
      );
    } catch {
      settled = false;
    }
    watching = false;
    await watcher;
    const ended = Date.now();

    // What is stuck, and why: the stored state of each, for the report.
    const stuck = ids.filter((id) => ACTIVE.has(last.get(id)?.status ?? 'Queued'));
    const kinds: Record<string, number> = {};
    for (const [n, id] of stuck.entries()) {
      const r = await stuckReport(og.rt, loops, id);
      kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
      if (n < 6) for (const l of r.lines) t.diagnostic(l);
    }
    if (stuck.length) t.diagnostic(`stuck executions by kind: ${JSON.stringify(kinds)}`);
    const notSuccess = ids.filter((id) => last.get(id)?.status !== 'Success');
    for (const id of notSuccess.filter((i) => !stuck.includes(i)).slice(0, 10))
      t.diagnostic(`${id} ended ${last.get(id)?.status}: ${last.get(id)?.statusMessage}`);

    // Every (execution, task, loop item) the engine recorded, with its end.
    const done: { key: string; status: string; end?: number }[] = [];
    for (const id of ids) {
      const e = await executionStore.get(id);
      const te = e.tasks.touch?.taskExecutionId;
      if (te)
        for (const it of await loops.items(id, te))
          done.push({
            key: `${id}/touch/${it.index}`,
            status: it.status,
            end: it.endDate ? Date.parse(it.endDate) : undefined,
          });
      if (e.tasks.deploy)
        done.push({
          key: `${id}/deploy`,
          status: e.tasks.deploy.status,
          end: e.tasks.deploy.endDate ? Date.parse(e.tasks.deploy.endDate) : undefined,
        });
    }
    const hitsByKey = new Map<string, number[]>();
    for (const h of target.hits) {
      const k = h.idempotencyKey ?? '(none)';
      hitsByKey.set(k, [...(hitsByKey.get(k) ?? []), hitAt.get(h) ?? 0]);
    }
    const recorded = new Set(done.map((d) => d.key));
    const missing = done.filter((d) => d.status === 'Success' && !hitsByKey.get(d.key)?.length);
    const duplicated = [...hitsByKey.entries()].filter(([, times]) => times.length > 1);
    const extraSends = duplicated.reduce((n, [, times]) => n + times.length - 1, 0);
    const repeats = done.flatMap((d) =>
      (d.status === 'Success' && d.end !== undefined
        ? (hitsByKey.get(d.key) ?? []).filter((at) => at > d.end!)
        : []
      ).map((at) => `${d.key} hit ${at - d.end!} ms after its saved endDate ${new Date(d.end!).toISOString()}`),
    );
    const strangers = [...hitsByKey.keys()].filter((k) => !recorded.has(k));
    const failedJobs = await og.rt.producer.steps.getFailed(0, -1);
    const failedLines = failedJobs.map(
      (j) => `${j.id} attempts=${j.attemptsMade} stalled=${j.stalledCounter} reason=${j.failedReason}`,
    );
    const statusCount: Record<string, number> = {};
    for (const id of ids)
      statusCount[last.get(id)?.status ?? '?'] = (statusCount[last.get(id)?.status ?? '?'] ?? 0) + 1;

    t.diagnostic(
      `executions ${ids.length}: ${JSON.stringify(statusCount)}; kills ${pool.kills}; workers started ` +
        `${pool.all.length}`,
    );
    t.diagnostic(
      `keys recorded done ${done.filter((d) => d.status === 'Success').length}; target hits ` +
        `${target.hits.length}; keys sent more than once ${duplicated.length} (${extraSends} extra sends)`,
    );
    for (const [k, times] of duplicated.slice(0, 10)) t.diagnostic(`  sent ${times.length}x: ${k}`);
    t.diagnostic(
      `votes ${JSON.stringify(voteOutcomes)}; failed step jobs ${failedJobs.length}; worker error lines ` +
        `${pool.errors.length}; workers that died by themselves ${pool.crashes.length}`,
    );
    for (const l of failedLines.slice(0, 10)) t.diagnostic(`  failed job ${l}`);
    for (const l of pool.errors.slice(0, 10)) t.diagnostic(`  worker: ${l.slice(0, 300)}`);
    for (const l of pool.crashes.slice(0, 5)) t.diagnostic(`  crash: ${l.slice(0, 300)}`);
    t.diagnostic(
      `time: kill phase ${((killsDone - killStart) / 1000).toFixed(1)} s, settled ` +
        `${((ended - killsDone) / 1000).toFixed(1)} s after the last kill, ` +
        `${((ended - began) / 1000).toFixed(1)} s in all`,
    );

    assert.equal(repeats.length, 0, `finished work sent again:\n${repeats.slice(0, 20).join('\n')}`);
    assert.ok(
      settled && stuck.length === 0,
      `${stuck.length} executions still Queued/Running/Waiting ${((ended - killsDone) / 1000).toFixed(0)} s ` +
        `after the last kill: ${stuck.slice(0, 10).join(', ')}`,
    );
    assert.deepEqual(notSuccess, [], 'every execution ends Success');
    assert.deepEqual(
      missing.map((d) => d.key),
      [],
      'every task recorded Success was sent at least once',
    );
    assert.equal(
      done.filter((d) => d.key.includes('/touch/')).length,
      EXECUTIONS * ITEMS,
      'every loop item has a record',
    );
    assert.deepEqual(strangers, [], 'every request the Target saw belongs to a recorded task');
    // A job whose workers died under it more than maxStalledCount times is failed for good by BullMQ;
    // opsgate then queues it anew (a loop item) or releases and resumes its execution, so such a job
    // loses nothing (every execution ended Success above). Any other failure is a bug.
    assert.deepEqual(
      failedJobs.filter((j) => !/stalled more than allowable limit/.test(j.failedReason ?? '')).map((j) => j.id),
      [],
      'no step job failed for good but ones that stalled out and were recovered',
    );
  });

  test('Redis restarted while executions wait: they resume after approval and finish once', {
    timeout: 90_000,
  }, async (t) => {
    const COUNT = 10;
    const began = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'opsgate-faults-redis-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await new Promise<number>((ok, fail) => {
      const s = createNetServer();
      s.once('error', fail);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => ok(p));
      });
    });
    const url = `redis://127.0.0.1:${port}`;

    let redis: ChildProcess | undefined;
    const startRedis = async () => {
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--appendonly',
          'yes',
          '--appendfsync',
          'always',
          '--save',
          '',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      redis = child;
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await until(
          async () => {
            if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
            if (probe.status !== 'ready') {
              probe.disconnect();
              await probe.connect();
            }
            return (await probe.ping()) === 'PONG';
          },
          `redis-server on ${port}`,
          15_000,
        );
      } finally {
        probe.disconnect();
      }
    };
    cleanups.push(async () => {
      if (redis && redis.exitCode === null && redis.signalCode === null) {
        redis.kill('SIGKILL');
        await exited(redis);
      }
    });

    const startOpsgateOn = async () => {
      const config = loadConfig({
        REDIS_URL: url,
        OPSGATE_KEY_PREFIX: 'ogfault',
        PORT: '0',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        OPSGATE_TEMPLATES: TEMPLATES,
        OPSGATE_DIRECTORY: 'test/fixtures/directory.yaml',
      });
      const rt = createRuntime(config, url, createLogger(config.logLevel));
      const web = await startWeb(rt);
      const worker = startStepWorker(rt);
      let open = true;
      const close = async () => {
        if (!open) return;
        open = false;
        await worker.close();
        await web.close();
        await rt.close();
      };
      cleanups.push(close);
      return { rt, close };
    };

    const target = await new Target().start();
    cleanups.push(() => target.stop());

    await startRedis();
    const first = await startOpsgateOn();
    const ids = (
      await Promise.all(
        Array.from({ length: COUNT }, () =>
          first.rt.executions.start({
            templateName: TEMPLATE,
            parameters: { target: `${target.base}/op` },
            owner: 'alice',
            origin,
          }),
        ),
      )
    ).map((e) => e.id);
    const waiting = await until(
      async () => {
        const all = await Promise.all(ids.map((id) => first.rt.executionStore.get(id)));
        return (
          all.every((e) => e.status === 'Waiting' && e.current === 'approve' && e.tasks.approve?.data?.ticketId) && all
        );
      },
      'every execution to wait at the approval',
      30_000,
    );
    const ticketOf = new Map(waiting.map((e) => [e.id, String(e.tasks.approve!.data!.ticketId)]));
    assert.equal(target.hits.length, COUNT * ITEMS, 'the loops ran before the approval');
    assert.equal(target.hits.filter((h) => h.idempotencyKey?.endsWith('/deploy')).length, 0);

    // Stop opsgate, then kill Redis outright: with appendfsync always every acknowledged write is on disk.
    await first.close();
    const dead = redis!;
    dead.kill('SIGKILL');
    await exited(dead);
    await startRedis();

    const second = await startOpsgateOn();
    for (const id of ids) {
      const e = await second.rt.executionStore.get(id);
      assert.equal(e.status, 'Waiting', `${id} still waits after the restart`);
      assert.equal(String(e.tasks.approve?.data?.ticketId), ticketOf.get(id));
      const r = await second.rt.approvals.vote(ticketOf.get(id)!, second.rt.directory.user('bob'), 'AGREE');
      assert.equal(r.outcome, 'decided', `the vote on ${id}: ${r.message}`);
    }
    let finals: Execution[] = [];
    try {
      finals = await until(
        async () => {
          const all = await Promise.all(ids.map((id) => second.rt.executionStore.get(id)));
          return all.every((e) => !ACTIVE.has(e.status)) && all;
        },
        'every execution to end after the restart',
        30_000,
      );
    } catch (err) {
      const loops = new LoopStore(second.rt.redis, second.rt.keys);
      for (const id of ids) for (const l of (await stuckReport(second.rt, loops, id)).lines) t.diagnostic(l);
      throw err;
    }
    for (const e of finals) assert.equal(e.status, 'Success', `${e.id}: ${e.statusMessage ?? ''}`);
    await sleep(300);
    for (const id of ids)
      assert.equal(
        target.hits.filter((h) => h.idempotencyKey === `${id}/deploy`).length,
        1,
        `${id}: the task after the approval ran once`,
      );
    assert.equal(target.hits.length, COUNT * (ITEMS + 1), 'nothing else was sent again');
    assert.equal(await second.rt.producer.steps.getFailedCount(), 0, 'no step job failed');
    t.diagnostic(
      `${COUNT} executions waited through a Redis SIGKILL and restart and ended Success; ` +
        `${((Date.now() - began) / 1000).toFixed(1)} s`,
    );
  });
});
