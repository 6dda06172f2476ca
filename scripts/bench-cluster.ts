/**
 * Executions/s with 1, 2 and 3 worker processes (`opsgate worker`, as production runs them) on a Redis
 * Cluster of three primaries started for the run (test/support/redis-topology.ts), against the same on
 * one Redis, in the same run. Three queue shards on both. The bench process starts the executions while
 * the workers run, and times from the first start to the last Success.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/bin/config.js';
import { createRuntime, type Runtime } from '../src/bin/runtime.js';
import { createLogger } from '../src/log.js';
import { deletePrefix } from '../src/store/redis.js';
import { startCluster } from '../test/support/redis-topology.js';
import { pool, redisAnswers, row } from './bench-engine.js';

const FIXTURES = fileURLToPath(new URL('./bench-fixtures/', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Where {
  name: string;
  env: Record<string, string>;
}

function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/cli.ts', 'worker'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info', PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((ok, fail) => {
    let seen = '';
    child.stderr!.on('data', (d: Buffer) => {
      seen += d.toString('utf8');
      if (seen.includes('"worker is running"')) ok(child);
    });
    child.once('exit', (code) => fail(new Error(`worker exited with ${code}: ${seen.slice(-500)}`)));
  });
}

async function rate(where: Where, workers: number, n: number): Promise<number> {
  const env = {
    ...where.env,
    OPSGATE_KEY_PREFIX: `ogc-${randomBytes(5).toString('hex')}`,
    OPSGATE_TEMPLATES: FIXTURES,
    OPSGATE_DIRECTORY: `${FIXTURES}bench-directory.yaml`,
    OPSGATE_QUEUE_SHARDS: '3',
    LOG_LEVEL: 'silent',
  };
  const config = loadConfig(env);
  const rt: Runtime = createRuntime(
    config,
    config.redis.kind === 'url' ? (config.redisUrl ?? '') : config.redis,
    createLogger('silent'),
  );
  const children: ChildProcess[] = [];
  try {
    await rt.templates.loadFolders([`${FIXTURES}bench-noop-3.yaml`]);
    for (let i = 0; i < workers; i++) children.push(await spawnWorker(env));
    const t0 = performance.now();
    await pool(n, 50, () =>
      rt.executions.start({
        templateName: 'bench-noop-3',
        parameters: {},
        owner: 'requester',
        origin: { platform: 'api' },
      }),
    );
    for (;;) {
      if ((await rt.executionStore.index.statusCounts()).get('Success') === n) break;
      if (performance.now() - t0 > 120_000) throw new Error(`${where.name}: ${n} executions did not finish`);
      await sleep(20);
    }
    return n / ((performance.now() - t0) / 1000);
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await deletePrefix(rt.redis, `*${config.keyPrefix}*`);
    await rt.close();
  }
}

export async function runClusterBench(redisUrl: string, n = 3000, print = console.log): Promise<void> {
  if (!(await redisAnswers(redisUrl))) {
    print(`\ncluster: skipped, no Redis answers at ${redisUrl}`);
    return;
  }
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  try {
    cluster = await startCluster({ masters: 3 });
  } catch (err) {
    print(`\ncluster: skipped, no Redis Cluster could be started (${(err as Error).message.split('\n')[0]})`);
    return;
  }
  try {
    const one: Where = { name: 'one Redis', env: { REDIS_URL: redisUrl } };
    const three: Where = { name: 'Cluster', env: { REDIS_CLUSTER_NODES: cluster.nodesEnv } };
    print(
      `\ncluster: ${n.toLocaleString('en-US')} executions of bench-noop-3 through N worker processes ` +
        `(concurrency 10 each, 3 queue shards), started while they run; one Redis vs a 3-primary Cluster on ` +
        `this machine, taking turns`,
    );
    print(row('what', 'one Redis', 'Cluster', 'ratio'));
    await rate(one, 1, 300); // warm: tsx's compile cache, scripts
    for (const workers of [1, 2, 3]) {
      const a = await rate(one, workers, n);
      const b = await rate(three, workers, n);
      print(
        row(
          `executions/s, ${workers} worker process${workers > 1 ? 'es' : ''}`,
          `${Math.round(a).toLocaleString('en-US')}/s`,
          `${Math.round(b).toLocaleString('en-US')}/s`,
          `${(b / a).toFixed(2)}x`,
        ),
      );
    }
  } finally {
    await cluster.stop();
  }
}
