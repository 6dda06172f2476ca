import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Target } from '../fakes/target.js';
import { ended, startOpsgate, until, waitingTicket, type Opsgate } from '../support/harness.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format: every line a comment (# HELP / # TYPE) or `name{labels} value`; anything else throws. */
function parseMetrics(text: string): { samples: Sample[]; help: Map<string, string> } {
  const samples: Sample[] = [];
  const help = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      if (comment[1] === 'HELP') help.set(comment[2]!, comment[3]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${JSON.stringify(line)}`);
    const value = Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]);
    // Prometheus reads NaN in any case; prom-client writes `Nan` for an event-loop lag not yet sampled.
    assert.ok(!Number.isNaN(value) || /^nan$/i.test(m[3]!), `not a number in ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const rest = (m[2] ?? '').replace(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g, (_, k: string, v: string) => {
      labels[k] = v;
      return '';
    });
    assert.equal(rest, '', `bad labels in ${JSON.stringify(line)}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, help };
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

async function scrape(url: string): Promise<Sample[]> {
  const r = await fetch(`${url}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const { samples, help } = parseMetrics(await r.text());
  for (const name of new Set(samples.map((s) => s.name.replace(/_(bucket|sum|count)$/, ''))))
    assert.ok(help.get(name), `${name} has a HELP line`);
  return samples;
}

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => ok(port));
    });
  });
}

/** `opsgate worker` as production runs it. */
function spawnWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/cli.ts', 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => {
    if (process.env.TEST_LOG_LEVEL) process.stderr.write(d);
  });
  return child;
}
const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) =>
    child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code)),
  );

describe('metrics, /healthz and /readyz', () => {
  let og: Opsgate;
  let target: Target;
  let hook: Server;
  let hookUrl = '';
  const children: ChildProcess[] = [];

  before(async () => {
    target = await new Target().start();
    // A webhook receiver that refuses (/gone: 410, not retried) or fails (500, retried).
    hook = createServer((req, res) => {
      req.resume();
      res.writeHead(req.url?.startsWith('/gone') ? 410 : 500).end();
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
    og = await startOpsgate({ env: { OPSGATE_TEMPLATES: 'test/fixtures/runbooks:test/fixtures/notify' } });
  });
  after(async () => {
    for (const c of children) {
      c.kill('SIGKILL');
      await exited(c);
    }
    await og.close();
    await target.stop();
    hook.closeAllConnections();
    await new Promise((r) => hook.close(r));
  });

  const start = (templateName: string, parameters: Record<string, unknown>) =>
    og.rt.executions.start({
      templateName,
      parameters,
      owner: 'alice',
      origin: { platform: 'console', channel: 'console' },
    });

  // The metrics' own Queue objects only count: they once wrote BullMQ's default options over the
  // producer's, and the event streams, read by nobody, grew to 10,000 entries (~370 KB a queue).
  test("the queues' event streams keep the producer's cap, whoever opened the queues last", async () => {
    await scrape(og.url);
    for (const queue of ['steps', 'notify'])
      assert.equal(await og.rt.redis.hget(`{${og.prefix}}:${queue}:meta`, 'opts.maxLenEvents'), '500', queue);
  });

  test('executions by status, task durations, queue depths, pending tickets and approval latency', async () => {
    const waiting = await start('two-approvals', { target: target.url });
    const ticketId = await waitingTicket(og, waiting.id);
    const quick = await start('no-approval', {});
    assert.equal((await ended(og, quick.id)).status, 'Success');

    let s = await scrape(og.url);
    assert.equal(find(s, 'opsgate_executions', { status: 'Success' }), 1);
    assert.equal(find(s, 'opsgate_executions', { status: 'Waiting' }), 1);
    assert.equal(find(s, 'opsgate_executions', { status: 'Failed' }), 0);
    assert.equal(find(s, 'opsgate_approval_tickets_pending'), 1);
    assert.equal(find(s, 'opsgate_approval_tickets', { status: 'AUDITING' }), 1);
    assert.equal(find(s, 'opsgate_approval_tickets', { status: 'APPROVED' }), 0);
    assert.equal(find(s, 'opsgate_task_duration_seconds_count', { action: 'ACS::Sleep', status: 'Success' }), 2);
    assert.ok(
      find(s, 'opsgate_task_duration_seconds_sum', { action: 'ACS::Sleep', status: 'Success' })! >= 0.2,
      'the PT0.2S nap is in the sum',
    );
    assert.equal(
      find(s, 'opsgate_task_duration_seconds_bucket', { action: 'ACS::Sleep', status: 'Success', le: '+Inf' }),
      2,
    );
    for (const queue of ['steps', 'notify']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children']) {
        assert.equal(
          typeof find(s, 'opsgate_queue_jobs', { queue, state }),
          'number',
          `opsgate_queue_jobs{queue="${queue}",state="${state}"}`,
        );
      }
    }
    assert.ok(find(s, 'process_cpu_seconds_total')! > 0, 'default process metrics');
    assert.equal(find(s, 'opsgate_approval_latency_seconds_count', { outcome: 'APPROVED' }), undefined);

    const { approvals, directory } = og.rt;
    assert.equal((await approvals.vote(ticketId, directory.user('bob'), 'AGREE')).outcome, 'recorded');
    assert.equal((await approvals.vote(ticketId, directory.user('carol'), 'AGREE')).outcome, 'decided');
    assert.equal((await ended(og, waiting.id)).status, 'Success');

    s = await scrape(og.url);
    assert.equal(find(s, 'opsgate_executions', { status: 'Success' }), 2);
    assert.equal(find(s, 'opsgate_executions', { status: 'Waiting' }), 0);
    assert.equal(find(s, 'opsgate_approval_tickets_pending'), 0);
    assert.equal(find(s, 'opsgate_approval_tickets', { status: 'APPROVED' }), 1);
    assert.equal(find(s, 'opsgate_approval_latency_seconds_count', { outcome: 'APPROVED' }), 1);
    assert.equal(
      find(s, 'opsgate_approval_latency_seconds_bucket', { outcome: 'APPROVED', le: '60' }),
      1,
      'decided within the minute',
    );
    assert.equal(find(s, 'opsgate_task_duration_seconds_count', { action: 'ACS::Approve', status: 'Success' }), 1);
    // The last task is counted just after the save that ends the run: a scrape may fall in between.
    await until(
      async () =>
        find(await scrape(og.url), 'opsgate_task_duration_seconds_count', {
          action: 'ACS::ExecuteHttpRequest',
          status: 'Success',
        }) === 1,
      'the last task counted',
    );
  });

  test('approval notifications that fail for good are counted: refused at once, or out of retries', async () => {
    const failures = async () =>
      find(await scrape(og.url), 'opsgate_notification_failures_total', { channel: 'WebHook' }) ?? 0;
    const refused = await start('robot-approval', {
      webHookUrl: `${hookUrl}/gone`,
      robotSecret: '',
      target: target.url,
    });
    await waitingTicket(og, refused.id);
    await until(async () => (await failures()) === 1, 'the refused delivery counted');

    // The 500 is retried for about 30 s; a copy of the job with one attempt runs out of retries at once.
    const failing = await start('robot-approval', {
      webHookUrl: `${hookUrl}/down`,
      robotSecret: '',
      target: target.url,
    });
    const ticketId = await waitingTicket(og, failing.id);
    await og.rt.producer.steps.add('deliver', { ticketId, level: 0 } as never, {
      jobId: `deliver-once-${ticketId}`,
      attempts: 1,
    });
    await until(async () => (await failures()) === 2, 'the delivery out of retries counted');
    assert.equal((await og.rt.executions.deliveries(failing.id))[0]?.channel, 'WebHook');
    for (const e of [refused, failing]) await og.rt.executions.cancel(e.id);
  });

  test('/healthz and /readyz answer 200 when ready; /readyz names what is not', async () => {
    assert.deepEqual(await (await fetch(`${og.url}/healthz`)).json(), { status: 'ok' });
    const ready = await fetch(`${og.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', redis: true, worker: true });
    og.rt.readiness.require('templates', () => false);
    try {
      const not = await fetch(`${og.url}/readyz`);
      assert.equal(not.status, 503);
      assert.deepEqual(await not.json(), { status: 'not ready', templates: false });
    } finally {
      og.rt.readiness.require('templates', () => true);
    }
  });

  test('a worker process alone serves /metrics, /healthz and /readyz on PORT', async () => {
    const port = await freePort();
    const child = spawnWorker({ ...og.env, PORT: String(port) });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    const ready = await until(
      async () => {
        const r = await fetch(`${url}/readyz`);
        return r.status === 200 && r.json();
      },
      'the worker ready',
      20_000,
    );
    assert.deepEqual(ready, { status: 'ready', redis: true, worker: true });
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const s = await scrape(url);
    assert.equal(
      find(s, 'opsgate_executions', { status: 'Success' }),
      2,
      "the deployment's executions, read from Redis",
    );
    assert.equal(typeof find(s, 'opsgate_queue_jobs', { queue: 'steps', state: 'waiting' }), 'number');
    assert.equal((await fetch(`${url}/console/state`)).status, 404, 'nothing but the probes');
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
  });

  test('a worker process that cannot reach Redis answers 503 rather than crash', async () => {
    const [port, closed] = [await freePort(), await freePort()];
    const child = spawnWorker({ ...og.env, PORT: String(port), REDIS_URL: `redis://127.0.0.1:${closed}` });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    const r = await until(
      async () => {
        const x = await fetch(`${url}/readyz`);
        return { status: x.status, body: (await x.json()) as unknown };
      },
      'the worker answering',
      20_000,
    );
    assert.deepEqual(r, { status: 503, body: { status: 'not ready', redis: false } });
    assert.equal((await fetch(`${url}/healthz`)).status, 503);
    const s = await scrape(url);
    assert.equal(
      find(s, 'opsgate_executions', { status: 'Success' }),
      undefined,
      'nothing read from a Redis that is not there',
    );
    assert.ok(find(s, 'process_cpu_seconds_total')! > 0);
    assert.equal(child.exitCode, null, 'still running');
  });
});
