import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { archiveSchemaOf } from '../../src/bin/runtime.js';
import { Target } from '../fakes/target.js';
import { sleep, startOpsgate, until, type Opsgate } from '../support/harness.js';
import { dropSchema, postgresForTests, sql } from '../support/postgres.js';

/**
 * History that holds steady: a timer trigger fires a child every second, retention (PT2S) moves each
 * ended child to the archive, and what opsgate keeps in Redis stays the same size while the archive
 * grows. The parent, waiting at its trigger, is never touched.
 */
const pgFound = await postgresForTests();

/** Samples taken per moment, and the time between them: a moment spans two sweeps (one a second). */
const SAMPLES = 8;
const SAMPLE_EVERY_MS = 250;
/** From the first moment's start to the second's. */
const APART_MS = 9000;
/**
 * How far the two moments may differ, compared at rest with as many children in Redis (`compare`).
 * Measured: equal to the byte and the key, idle or beside a busy CPU; one child left behind is 3 keys
 * and about 2.5 KB, so a run that leaks even an index entry each firing (9 firings apart) fails.
 */
const KEY_MARGIN = 0;
const BYTE_MARGIN = 256;
/** Children in Redis at any moment: those that ended within the retention, and a sweep's second. */
const MAX_CHILDREN = 5;

/**
 * Every key matching ARGV[1] at one moment (a script runs alone): {key, MEMORY USAGE, the status of
 * an execution's hash or ''}, then the sizes of KEYS[1] (ended executions) and KEYS[2] (all of them).
 * A test's scan of its own prefix: KEYS is fine on a test Redis.
 */
const SAMPLE_LUA = `
local out = {}
for _, k in ipairs(redis.call('KEYS', ARGV[1])) do
  local status = ''
  if string.sub(k, -10) == ':execution' then status = redis.call('HGET', k, 'status') or '' end
  out[#out + 1] = { k, redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0') or 0, status }
end
return { out, redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]) }`;

const ENDED = new Set(['Success', 'Failed', 'Cancelled']);

interface Sample {
  keys: number;
  bytes: number;
  /** Child executions in Redis (their `{exec}:execution` hashes). */
  children: number;
  /** Nothing under way: every child in Redis has ended, and the indexes say so (no save half done). */
  atRest: boolean;
  /** The parent's trigger log: a list capped at 100 records (store: LTRIM), so it grows for 100 firings. */
  triggerLog: number;
  byKind: Map<string, number>;
}

describe('retention holds a firing timer steady in Redis', () => {
  let og: Opsgate;
  let target: Target;
  let url: string;
  before(async () => {
    url = pgFound.url;
    target = await new Target().start();
    og = await startOpsgate({
      env: { OPSGATE_TEMPLATES: 'test/fixtures/engine', OPSGATE_ARCHIVE_URL: url, OPSGATE_RETENTION: 'PT2S' },
    });
  });
  after(async () => {
    await og?.close();
    if (og) await dropSchema(url, archiveSchemaOf(og.prefix));
    await target?.stop();
  });

  /** Every key of opsgate's own under the prefix (BullMQ's are `{prefix}:...`): count and MEMORY USAGE. */
  async function sample(parentId: string): Promise<Sample> {
    const { keys, redis } = og.rt;
    const [found, ended, all] = (await redis.eval(
      SAMPLE_LUA,
      2,
      keys.executionsEnded,
      keys.executionIndex,
      `${og.prefix}:*`,
    )) as [[string, number, string][], number, number];
    const byKind = new Map<string, number>();
    const s: Sample = { keys: 0, bytes: 0, children: 0, atRest: true, triggerLog: 0, byKind };
    for (const [k, bytes, status] of found) {
      if (k === keys.triggers(parentId)) {
        s.triggerLog = bytes;
        continue;
      }
      const kind = k.slice(og.prefix.length + 1).replace(/\{exec-[0-9a-f]+\}/, '{exec}');
      if (kind === '{exec}:execution' && k !== keys.execution(parentId)) {
        s.children++;
        if (!ENDED.has(status)) s.atRest = false;
      }
      byKind.set(kind, (byKind.get(kind) ?? 0) + bytes);
      s.bytes += bytes;
      s.keys++;
    }
    if (ended !== s.children || all !== s.children + 1) s.atRest = false;
    return s;
  }

  /**
   * A few samples over two sweeps; the parent is checked at every one: waiting at its trigger, whole.
   * Given the counts of children an earlier moment saw at rest, it samples on (as long again at most)
   * until it sees one of them: a sweep late by a few milliseconds may shift which count lasts longer.
   */
  async function moment(parentId: string, counts?: Set<number>): Promise<{ samples: Sample[]; archived: number }> {
    const samples: Sample[] = [];
    const matched = () => !counts || samples.some((s) => s.atRest && counts.has(s.children));
    for (let i = 0; i < SAMPLES || (i < 2 * SAMPLES && !matched()); i++) {
      if (i) await sleep(SAMPLE_EVERY_MS);
      const parent = await og.rt.executionStore.find(parentId);
      assert.ok(parent && ['Running', 'Waiting'].includes(parent.status), `parent: ${parent?.status ?? 'gone'}`);
      const s = await sample(parentId);
      assert.ok(s.children <= MAX_CHILDREN, `children in Redis: ${s.children}`);
      samples.push(s);
    }
    return { samples, archived: (await archivedChildren(parentId)).length };
  }

  /**
   * The two moments at rest with as many children in Redis, the fewest both saw. The timer fires and
   * retention sweeps on the same whole seconds, so whether the child that ended two seconds ago is
   * swept yet is a race of milliseconds: two or three children in Redis are both right. At rest (no
   * child running, no save or removal half done) a moment is what Redis keeps, not a passing state.
   */
  function compare(a: Sample[], b: Sample[]): [Sample, Sample] {
    const seen = (l: Sample[]) => new Set(l.filter((s) => s.atRest).map((s) => s.children));
    const common = [...seen(a)].filter((c) => seen(b).has(c)).sort((x, y) => x - y)[0];
    const show = (l: Sample[]) => l.map((s) => `${s.children}${s.atRest ? '' : '*'}`).join(' ');
    assert.ok(common !== undefined, `children in Redis (* under way): ${show(a)}, then ${show(b)}`);
    const low = (l: Sample[]) =>
      l.filter((s) => s.atRest && s.children === common).sort((x, y) => x.bytes - y.bytes)[0]!;
    return [low(a), low(b)];
  }

  const schema = () => archiveSchemaOf(og.prefix);
  const archivedChildren = async (parentId: string) =>
    (await sql<{ id: string }>(url, `SELECT id FROM "${schema()}".executions WHERE parent_id = $1`, [parentId])).map(
      (r) => r.id,
    );

  const diff = (a: Map<string, number>, b: Map<string, number>) =>
    [...new Set([...a.keys(), ...b.keys()])]
      .map((k) => [k, (b.get(k) ?? 0) - (a.get(k) ?? 0)] as const)
      .filter(([, d]) => d)
      .map(([k, d]) => `${k} ${d > 0 ? '+' : ''}${d}`)
      .join(', ');

  const title = 'a timer firing every second, retention PT2S: Redis holds steady, the archive grows, nothing lost';
  test(title, async (t) => {
    const endDate = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const parent = await og.rt.executions.start({
      templateName: 'timer',
      origin: { platform: 'api' },
      parameters: { base: target.base, timerTrigger: { type: 'cron', expression: '* * * * * ?', endDate } },
    });
    // Warm-up: children are leaving Redis for the archive.
    await until(async () => (await archivedChildren(parent.id)).length >= 3, 'three children archived', 15_000);

    const started = Date.now();
    const first = await moment(parent.id);
    await sleep(started + APART_MS - Date.now());
    const second = await moment(parent.id, new Set(first.samples.filter((s) => s.atRest).map((s) => s.children)));
    const [a, b] = compare(first.samples, second.samples);
    const show = (l: Sample[]) => l.map((s) => `${s.children}${s.atRest ? '' : '*'}`).join('');
    t.diagnostic(
      `${a.children} children in Redis: ${a.keys} keys ${a.bytes} B, then ${b.keys} keys ${b.bytes} B; archived ` +
        `${first.archived} then ${second.archived}; trigger log ${a.triggerLog} then ${b.triggerLog} B; ` +
        `samples (children, * under way) ${show(first.samples)} then ${show(second.samples)}`,
    );

    const changed = diff(a.byKind, b.byKind);
    assert.ok(Math.abs(b.keys - a.keys) <= KEY_MARGIN, `keys ${a.keys} -> ${b.keys}: ${changed}`);
    assert.ok(Math.abs(b.bytes - a.bytes) <= BYTE_MARGIN, `bytes ${a.bytes} -> ${b.bytes}: ${changed}`);
    assert.ok(second.archived >= first.archived + 4, `the archive grows: ${first.archived} -> ${second.archived}`);

    // Nothing lost: every child the timer started is in Redis or in the archive. Read in this order
    // (the log, Redis, the archive): a child that moves meanwhile was archived before it left Redis.
    const fired = (await og.rt.executionStore.triggerLog(parent.id))
      .filter((r) => r.status === 'Started')
      .map((r) => String(r.childExecutionId));
    assert.ok(fired.length < 100, 'within the trigger log, which keeps the last 100');
    const inRedis = new Set<string>();
    for (const id of fired) if (await og.rt.executionStore.find(id)) inRedis.add(id);
    const archived = new Set(await archivedChildren(parent.id));
    const counts = `fired ${fired.length}, in Redis ${inRedis.size}, archived ${archived.size}`;
    assert.deepEqual(
      fired.filter((id) => !inRedis.has(id) && !archived.has(id)),
      [],
      `lost: ${counts}`,
    );
    // Nor anything archived that the timer did not start (a child archived twice counts once: by id).
    assert.deepEqual(
      [...archived].filter((id) => !fired.includes(id)),
      [],
      `unknown: ${counts}`,
    );
    const left = [...archived].filter((id) => !inRedis.has(id)).length;
    assert.equal(fired.length, inRedis.size + left, counts);
    assert.ok(inRedis.size <= MAX_CHILDREN, `only the last seconds' children are in Redis: ${inRedis.size}`);

    const still = await og.rt.executionStore.get(parent.id);
    assert.equal(still.status, 'Waiting', 'the parent keeps waiting at its trigger');
    await og.rt.executions.cancel(parent.id);
  });
});
