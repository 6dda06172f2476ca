/**
 * Reads that must not grow with history: ListExecutions and a /metrics scrape at 100,000 stored
 * executions against the same at 1,000, both histories in Redis at once and measured in the same
 * run, alternately. Goal: at most 1.5x. The histories are written in bulk (pipelines through the
 * store's own index code, not by running them) and deleted afterwards.
 */
import { performance } from 'node:perf_hooks';
import type { Execution } from '../src/engine/types.js';
import type { Runtime } from '../src/bin/runtime.js';
import { executionActions } from '../src/http/api/execution-actions.js';
import { INDEX_VERSION, run } from '../src/store/execution-index.js';
import { row, withRuntime } from './bench-engine.js';

const GOAL = 1.5;
const STATUSES = ['Success', 'Success', 'Success', 'Failed', 'Cancelled', 'Success', 'Success', 'Failed', 'Running'];

/** The n-th execution of a bench history: a realistic document (three tasks with outputs). */
function execution(n: number, base: number): Execution {
  const createDate = new Date(base + n * 1000).toISOString();
  const status = STATUSES[n % STATUSES.length] as Execution['status'];
  const ended = status !== 'Running';
  const task = (name: string, i: number) => ({
    taskExecutionId: `task-exec-${n.toString(16).padStart(8, '0')}${i}`,
    status: 'Success' as const,
    action: 'ACS::ExecuteAPI',
    startDate: createDate,
    endDate: createDate,
    outputs: { [`${name}Id`]: `i-${n.toString(36)}${i}`, region: 'cn-hangzhou', tags: ['a', 'b'] },
  });
  return {
    id: `exec-${n.toString(16).padStart(20, '0')}`,
    templateName: `runbook-${n % 20}`,
    templateVersion: 'v1',
    parameters: { instanceId: `i-${n.toString(36)}`, reason: 'nightly maintenance window' },
    status,
    tasks: { describe: task('describe', 0), stop: task('stop', 1), start: task('start', 2) },
    owner: `user-${n % 10}`,
    origin: { platform: 'api' },
    mode: 'Automatic',
    tags: { env: n % 3 ? 'prod' : 'staging' },
    createDate,
    updateDate: createDate,
    ...(ended ? { endDate: new Date(base + n * 1000 + 30_000).toISOString() } : {}),
  };
}

/** Writes `n` executions as the store would (hash, document, every index) in pipelines of 1,000. */
async function fill(rt: Runtime, n: number): Promise<void> {
  const base = Date.now() - n * 1000;
  for (let start = 0; start < n; start += 1000) {
    const p = rt.redis.pipeline();
    const list = Array.from({ length: Math.min(n, start + 1000) - start }, (_, i) => execution(start + i, base));
    for (const e of list) {
      p.hset(rt.keys.execution(e.id), 'status', e.status, 'runner', '');
      p.set(rt.keys.executionDoc(e.id), JSON.stringify(e));
    }
    rt.executionStore.index.addNew(p, list);
    await run(p);
  }
  await rt.redis.hset(rt.keys.indexState, 'version', INDEX_VERSION);
}

const QUERIES: [string, Record<string, unknown>][] = [
  ['ListExecutions, newest 50', {}],
  ['ListExecutions, Status + TemplateName, 50', { Status: 'Failed', TemplateName: 'RUNBOOK-1' }],
  ['ListExecutions, by EndDate, ExecutedBy, 50', { SortField: 'EndDate', ExecutedBy: 'user-7' }],
  ['ListExecutions, Tags + StartDate range, 50', { Tags: { env: 'staging' }, StartDateAfter: '2000-01-01T00:00:00Z' }],
];

export async function runIndexBench(redisUrl: string, small = 1000, large = 100_000, rounds = 101): Promise<void> {
  await withRuntime(redisUrl, (a) =>
    withRuntime(redisUrl, async (b) => {
      let t = performance.now();
      await fill(a, small);
      await fill(b, large);
      const filled = performance.now() - t;
      const reads = (rt: Runtime) => {
        const deps = {
          executions: rt.executions,
          store: rt.executionStore,
          history: rt.history,
          templates: rt.templates,
          approvals: rt.approvals,
          directory: rt.directory,
          triggers: rt.triggers,
          permissions: rt.permissions,
        };
        const list = executionActions(deps).ListExecutions!;
        return [
          ...QUERIES.map(([, body]) => async () => {
            const r = await list.run(list.input.parse({ MaxResults: 50, ...body }), { user: 'bench', requestId: 'b' });
            if ((r.Executions as unknown[]).length !== 50) throw new Error('a bench page was not full');
          }),
          async () => {
            await rt.metrics.registry.metrics();
          },
        ];
      };
      const [ra, rb] = [reads(a), reads(b)];
      const names = [...QUERIES.map(([name]) => name), '/metrics scrape'];
      const times = names.map(() => [[], []] as [number[], number[]]);
      for (let r = 0; r < rounds + 5; r++) {
        for (let q = 0; q < names.length; q++) {
          for (const [side, fn] of [
            [0, ra[q]!],
            [1, rb[q]!],
          ] as const) {
            t = performance.now();
            await fn();
            // The first rounds warm the JIT and connections.
            if (r >= 5) times[q]![side].push(performance.now() - t);
          }
        }
      }
      const p50 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
      console.log(
        `history: ${small.toLocaleString('en')} and ${large.toLocaleString('en')} executions, written in ` +
          `${(filled / 1000).toFixed(1)} s; p50 of ${rounds} rounds each, alternately`,
      );
      console.log(row('what (p50)', `at ${small.toLocaleString('en')}`, `at ${large.toLocaleString('en')}`, 'ratio'));
      let met = true;
      names.forEach((name, q) => {
        const [x, y] = [p50(times[q]![0]), p50(times[q]![1])];
        if (y / x > GOAL) met = false;
        console.log(row(name, `${x.toFixed(2)} ms`, `${y.toFixed(2)} ms`, `${(y / x).toFixed(2)}x`));
      });
      console.log(`goal: at most ${GOAL}x at ${large / small}x the history -> ${met ? 'met' : 'NOT met'}`);
    }),
  );
}
