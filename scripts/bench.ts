/**
 * `npm run bench`: opsgate's figures against anchors measured in the same run.
 * Template validation: the time to validate a folder of templates (default: the public OOS corpus
 * beside the project in CI, else the project's own runbooks), against only parsing the same files
 * with the yaml package. Goal: at most 3x the parse.
 * Limits: the time to refuse hostile template and parameter input; see bench-limits.ts.
 * Engine (Redis): executions/s, approval latency and bytes per Waiting execution against raw BullMQ
 * measured in the same run; see bench-engine.ts.
 * jq: a runaway program refused at the time limit, and a ValueSelector through the pool of jq
 * threads against the in-process call; see bench-jq.ts.
 * Cluster: executions/s with 1, 2 and 3 worker processes on a 3-primary Redis Cluster against one Redis,
 * in the same run; see bench-cluster.ts.
 * History (Redis): ListExecutions and a /metrics scrape at 100,000 executions against the same at
 * 1,000, in the same run; see bench-index.ts. Goal: at most 1.5x.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { parseTemplate } from '../src/engine/parse.js';
import { runLimitsBench } from './bench-limits.js';
import { runVoteBench } from './bench-votes.js';
import { runEngineBench } from './bench-engine.js';
import { runClusterBench } from './bench-cluster.js';
import { runJqBench } from './bench-jq.js';
import { runIndexBench } from './bench-index.js';
import { runArchiveBench } from './bench-archive.js';
import { runRetentionBench } from './bench-retention.js';

const folder =
  process.argv[2] ?? (existsSync('../shared/corpus/oos-templates') ? '../shared/corpus/oos-templates' : 'runbooks');
const files: string[] = [];
const walk = (p: string): void => {
  if (statSync(p).isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
  else if (['.yaml', '.yml', '.json'].includes(extname(p))) files.push(p);
};
walk(folder);
const contents = files.map((f) => readFileSync(f, 'utf8'));
const bytes = contents.reduce((n, c) => n + Buffer.byteLength(c), 0);

function median(run: () => void, rounds = 7): number {
  run(); // warm-up: JIT and caches
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

const parseOnly = median(() => {
  for (const c of contents) parseDocument(c).toJS();
});
let invalid = 0;
const validate = median(() => {
  invalid = 0;
  for (const c of contents) {
    try {
      parseTemplate(c);
    } catch {
      invalid++;
    }
  }
});

const row = (what: string, ms: number) =>
  `${what.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / parseOnly).toFixed(2)}x`;
console.log(`templates: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB, from ${folder} (${invalid} invalid)`);
console.log(row('anchor: yaml parseDocument + toJS only', parseOnly));
console.log(row('opsgate validate (parse, schema, references)', validate));
console.log(
  `per template: ${(validate / files.length).toFixed(2)} ms; goal: at most 3x the parse -> ` +
    `${validate / parseOnly <= 3 ? 'met' : 'NOT met'}`,
);

// Hostile input refused (scripts/bench-limits.ts): no anchor, milliseconds are the point.
await runLimitsBench();

// The engine against raw BullMQ on the same Redis (scripts/bench-engine.ts); skipped without a Redis.
await runEngineBench({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
// The same engine with 1, 2 and 3 worker processes, on a Redis Cluster against one Redis (bench-cluster.ts).
await runClusterBench(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
await runVoteBench(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
await runJqBench();
await runIndexBench(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
await runArchiveBench(process.env.OPSGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
await runRetentionBench(
  process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  process.env.OPSGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
);
