/**
 * jq under limits: (a) how long a program that never ends (`until(false; .)`) holds its caller
 * with the time limit at 200 ms, against the limit itself; (b) the cost of one ValueSelector
 * through the pool of jq threads (select(), as task Outputs run it) against the old in-process call
 * of the same jq-wasm instance logic, on a ~2 KB DescribeInstances answer, in the same run.
 */
import { performance } from 'node:perf_hooks';
import { closeJq, configureJq, runJq, warmJq } from '../src/template/jq.js';
import { rawJq, warm } from '../src/template/jq-instance.js';
import { select } from '../src/template/selector.js';
import { row } from './bench-engine.js';

const SELECTOR = 'Instances.Instance[].InstanceId';

/** A DescribeInstances answer of about 2 KB. */
function document(): unknown {
  const instance = (i: number) => ({
    InstanceId: `i-bp1${String(i).padStart(17, '0')}`,
    InstanceName: `web-${i}`,
    Status: 'Running',
    RegionId: 'cn-hangzhou',
    ZoneId: 'cn-hangzhou-h',
    InstanceType: 'ecs.g6.large',
    Cpu: 2,
    Memory: 8192,
    OSName: 'Alibaba Cloud Linux 3',
    VpcAttributes: { VpcId: 'vpc-bp1abc', VSwitchId: 'vsw-bp1def', PrivateIpAddress: { IpAddress: [`172.16.0.${i}`] } },
    Tags: {
      Tag: [
        { TagKey: 'env', TagValue: 'prod' },
        { TagKey: 'team', TagValue: 'sre' },
      ],
    },
  });
  return {
    RequestId: 'B0D2C5F1-0000-4000-8000-000000000000',
    TotalCount: 5,
    PageNumber: 1,
    PageSize: 10,
    Instances: { Instance: [0, 1, 2, 3, 4].map(instance) },
  };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

export async function runJqBench(selectors = 2000): Promise<void> {
  const doc = document();
  const text = JSON.stringify(doc);
  const print = (what: string, anchor: string, ours: string, ratio: string) =>
    console.log(row(what, anchor, ours, ratio));
  console.log(`jq: a ${(text.length / 1024).toFixed(1)} KB answer, selector ${SELECTOR}`);
  console.log(row('what', 'anchor', 'opsgate', 'ratio'));

  // (a) The caller gets its answer about one limit after it asked; the thread is replaced meanwhile.
  configureJq({ timeoutMs: 200 });
  await warmJq();
  const refusals: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await runJq(doc, 'until(false; .)', 'bench').then(
      () => {
        throw new Error('a runaway program finished');
      },
      () => undefined,
    );
    refusals.push(performance.now() - t);
    await warmJq();
  }
  const refuse = median(refusals);
  print('runaway program refused (limit 200 ms)', '200 ms', `${refuse.toFixed(0)} ms`, `${(refuse / 200).toFixed(2)}x`);

  // (b) One selector at a time, so each figure is a selector's whole cost (serialising, the thread hop).
  configureJq({ timeoutMs: 5000 });
  await warmJq();
  await warm();
  const program = `.${SELECTOR}`;
  for (let i = 0; i < 100; i++) {
    await rawJq(text, program);
    await select(doc, SELECTOR, 'List');
  }
  let t = performance.now();
  for (let i = 0; i < selectors; i++)
    JSON.parse(`[${(await rawJq(JSON.stringify(doc), program)).split('\n').join(',')}]`);
  const inProcess = (performance.now() - t) / selectors;
  t = performance.now();
  for (let i = 0; i < selectors; i++) await select(doc, SELECTOR, 'List');
  const pooled = (performance.now() - t) / selectors;
  print(
    'ValueSelector, one at a time',
    `in-process ${(inProcess * 1000).toFixed(0)} µs`,
    `pool ${(pooled * 1000).toFixed(0)} µs`,
    `${(pooled / inProcess).toFixed(2)}x (goal: at most 1.5x)`,
  );

  // Ten callers at once (a worker at concurrency 10): the pool's threads run side by side.
  t = performance.now();
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let i = 0; i < selectors / 10; i++) await select(doc, SELECTOR, 'List');
    }),
  );
  const concurrent = (performance.now() - t) / selectors;
  print(
    'ValueSelector, 10 callers at once',
    `in-process ${(inProcess * 1000).toFixed(0)} µs`,
    `pool ${(concurrent * 1000).toFixed(0)} µs`,
    `${(concurrent / inProcess).toFixed(2)}x`,
  );
  await closeJq();
}

if (import.meta.url === `file://${process.argv[1]}`) await runJqBench();
