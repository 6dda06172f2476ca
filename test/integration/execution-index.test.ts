import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { Execution } from '../../src/engine/types.js';
import { homeOf } from '../../src/chat/home.js';
import { listExecutionsInput, listExecutionsPage } from '../../src/http/api/execution-list.js';
import { loadList } from '../../src/http/pages/list-data.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { ApprovalTickets } from '../../src/store/approval-tickets.js';
import { ExecutionStore } from '../../src/store/executions.js';
import { IndexReconciler } from '../../src/store/index-reconcile.js';
import { KeyWalk } from '../../src/store/index-walk.js';
import { keys as buildKeys, type Keys } from '../../src/store/keys.js';
import { deletePrefix } from '../../src/store/redis.js';
import { REDIS_URL, until } from '../support/harness.js';
import { made, watchCommands } from '../support/executions.js';
import { INDEX_VERSION } from '../../src/store/execution-index.js';

let redis: Redis;
const prefixes: string[] = [];
before(() => {
  redis = new Redis(REDIS_URL);
});
after(async () => {
  for (const p of prefixes) await deletePrefix(redis, `*${p}*`);
  redis.disconnect();
});

function fresh() {
  const prefix = `ogt-${randomBytes(5).toString('hex')}`;
  prefixes.push(prefix);
  const keys = buildKeys(prefix);
  const store = new ExecutionStore(redis, keys);
  const tickets = new ApprovalTickets(redis, keys);
  const reconciler = new IndexReconciler(redis, keys, store.index, tickets.statuses, (id) => store.find(id));
  return { prefix, keys, store, tickets, reconciler };
}

/** The sorted sets of a prefix that hold `id`. */
async function indexesOf(keys: Keys, id: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, names] = await redis.scan(
      cursor,
      'MATCH',
      `*${keys.prefix}*executions*`,
      'COUNT',
      500,
      'TYPE',
      'zset',
    );
    cursor = next;
    // Named without the prefix: `executions:status:Running` for `{p:executions}:status:Running`.
    const name = (k: string) => k.replace(/^\{?[^:]+:executions\}?/, 'executions');
    for (const k of names) if ((await redis.zscore(k, id)) !== null) found.push(name(k));
  } while (cursor !== '0');
  return found.sort();
}

const ended = (e: Execution, ms = 500) => ({ ...e, endDate: new Date(Date.parse(e.createDate) + ms).toISOString() });

describe('the execution indexes', () => {
  test('create and every save keep them; remove drops every entry; endedBefore is oldest first', async () => {
    const { keys, store } = fresh();
    const parent = made(1, { status: 'Queued', tags: { team: 'sre', 'a=b': 'c' } });
    const child = made(2, {
      status: 'Queued',
      owner: 'bob',
      mode: 'Debug',
      parent: { executionId: parent.id, taskName: 't', taskExecutionId: 'te' },
    });
    await store.create(parent);
    await store.create(child);
    // A root run in Automatic mode is one in neither `child` nor a mode index.
    assert.deepEqual(await indexesOf(keys, parent.id), [
      'executions',
      'executions:owner:alice',
      'executions:status:Queued',
      'executions:tag:a%3Db=c',
      'executions:tag:team=sre',
      'executions:template:tpl',
    ]);
    assert.deepEqual(await indexesOf(keys, child.id), [
      'executions',
      'executions:child',
      'executions:mode:Debug',
      'executions:owner:bob',
      `executions:parent:${parent.id}`,
      'executions:status:Queued',
      'executions:template:tpl',
    ]);
    assert.ok(await store.save({ ...parent, status: 'Running' }, 'job-1'));
    assert.ok(await store.save(ended({ ...parent, status: 'Success' }), 'job-1'));
    const now = await indexesOf(keys, parent.id);
    assert.ok(now.includes('executions:status:Success') && now.includes('executions:ended'));
    assert.ok(!now.includes('executions:status:Running'));
    assert.equal(Number(await redis.zscore(keys.executionsEnded, parent.id)), Date.parse(parent.createDate) + 500);
    // A refused save changes no index.
    assert.equal(await store.save({ ...parent, status: 'Running' }, 'job-1'), false);
    assert.ok((await indexesOf(keys, parent.id)).includes('executions:status:Success'));

    const old = [made(10), made(11), made(12)].map((e) => ended(e));
    for (const e of old) await store.create(e);
    const cutoff = Date.parse(old[2]!.endDate!);
    assert.deepEqual(await store.index.endedBefore(cutoff, 10), [parent.id, old[0]!.id, old[1]!.id]);
    assert.deepEqual(await store.index.endedBefore(cutoff, 2), [parent.id, old[0]!.id]);
    // Past the first ones (those a sweep kept).
    assert.deepEqual(await store.index.endedBefore(cutoff, 2, 1), [old[0]!.id, old[1]!.id]);

    await store.index.remove((await store.get(parent.id))!);
    assert.deepEqual(await indexesOf(keys, parent.id), []);
    await store.discard(child.id);
    assert.deepEqual(await indexesOf(keys, child.id), []);
  });

  test('an index update that lands after a newer save follows the stored execution', async () => {
    const { keys, store } = fresh();
    const e = made(1, { status: 'Running' });
    await store.create(e);
    assert.ok(await store.save(ended({ ...e, status: 'Cancelled' }), ''));
    // The job's save of Running was committed before the cancel, its index update arrives now.
    await store.index.saved(e, (id) => store.find(id));
    const now = await indexesOf(keys, e.id);
    assert.ok(now.includes('executions:status:Cancelled') && now.includes('executions:ended'), now.join());
    assert.ok(!now.includes('executions:status:Running'));
  });

  test('an index update that fails after its save is reported; the save stands', async () => {
    const { keys, store: plain } = fresh();
    const failed: string[] = [];
    const store = new ExecutionStore(redis, keys, (err, id) => failed.push(`${id}: ${err.message.slice(0, 9)}`));
    const e = made(1, { status: 'Queued' });
    await plain.create(e);
    // A key of the wrong type makes the status script fail.
    await redis.set(keys.executionsByStatus('Running'), 'not a sorted set');
    assert.equal(await store.save({ ...e, status: 'Running' }, 'job-1'), true);
    await until(() => failed.length > 0, 'the failure reported');
    assert.deepEqual(failed, [`${e.id}: WRONGTYPE`]);
    assert.equal((await store.get(e.id)).status, 'Running');
    await redis.del(keys.executionsByStatus('Running'));
  });

  test('a walk pages through equal scores, longer than its chunk, each entry once', async () => {
    const { keys } = fresh();
    const key = keys.executionsByTemplate('ties');
    const ids = Array.from({ length: 450 }, (_, i) => `exec-${(0x1000 + i).toString(16)}`);
    await redis.zadd(key, ...ids.flatMap((id) => [5, id]), 1, 'exec-0', 9, 'exec-f');
    const all = async (w: KeyWalk) => {
      const out: string[] = [];
      for (let e = await w.next(); e; e = await w.next()) out.push(e.id);
      return out;
    };
    const desc = [...ids].reverse();
    assert.deepEqual(await all(new KeyWalk(redis, key, true, { min: -Infinity, max: Infinity }, undefined, 200)), [
      'exec-f',
      ...desc,
      'exec-0',
    ]);
    const cursor = { score: 5, id: desc[99]! };
    assert.deepEqual(await all(new KeyWalk(redis, key, true, { min: -Infinity, max: Infinity }, cursor, 200)), [
      ...desc.slice(100),
      'exec-0',
    ]);
    assert.deepEqual(await all(new KeyWalk(redis, key, false, { min: 2, max: 8 }, { score: 5, id: ids[448]! }, 7)), [
      ids[449],
    ]);
  });
});

describe('reads that do not grow with history', () => {
  let { prefix, keys, store, tickets } = {} as ReturnType<typeof fresh>;
  const N = 5000;
  const history: Execution[] = [];
  let watch: Awaited<ReturnType<typeof watchCommands>>;

  before(async () => {
    ({ prefix, keys, store, tickets } = fresh());
    for (let i = 0; i < N; i++) {
      const status = i % 10 === 0 ? 'Running' : i % 10 === 1 ? 'Failed' : i % 10 === 2 ? 'Waiting' : 'Success';
      const e = made(i, {
        status,
        templateName: `tpl-${i % 5}`,
        owner: `user-${i % 7}`,
        mode: i % 3 === 0 ? 'Debug' : 'Automatic',
        tags: { team: `t${i % 4}` },
        description: `run ${i}`,
        ...(i % 50 === 1 ? { parent: { executionId: made(i - 1).id, taskName: 't', taskExecutionId: 'te' } } : {}),
      });
      history.push(['Running', 'Waiting'].includes(status) ? e : ended(e, 1000 * (i % 13)));
    }
    for (let i = 0; i < N; i += 250) await Promise.all(history.slice(i, i + 250).map((e) => store.create(e)));
    await redis.hset(keys.indexState, 'version', INDEX_VERSION);
    watch = await watchCommands(redis, prefix);
  });
  after(() => watch.close());

  /** Runs a read and returns what it cost in documents and commands. */
  async function cost<T>(read: () => Promise<T>): Promise<{ result: T; docs: number; commands: number }> {
    await watch.settle();
    watch.reset();
    const result = await read();
    await watch.settle();
    return { result, docs: watch.docReads(), commands: watch.commands().length };
  }

  const cases: [string, Record<string, unknown>][] = [
    ['no filter', {}],
    ['Status', { Status: 'Running' }],
    ['TemplateName (a substring, any case)', { TemplateName: 'TPL-3' }],
    ['ExecutedBy', { ExecutedBy: 'user-2' }],
    ['Mode', { Mode: 'Debug' }],
    ['Mode Automatic (in no mode index)', { Mode: 'Automatic', Status: 'Failed' }],
    ['ParentExecutionId', { ParentExecutionId: made(100).id }],
    ['Tags', { Tags: { team: 't1' } }],
    ['two index filters', { Status: 'Success', ExecutedBy: 'user-3', IncludeChildExecution: true }],
    ['StartDate range', { StartDateAfter: '2020-01-01T00:30:00Z', StartDateBefore: '2020-01-01T01:00:00Z' }],
    ['EndDate range', { EndDateAfter: '2020-01-01T00:30:00Z', SortField: 'EndDate' }],
    ['sorted by EndDate', { SortField: 'EndDate', SortOrder: 'Ascending' }],
    ['sorted by Status', { SortField: 'Status' }],
    ['sorted by EndDate, one template', { SortField: 'EndDate', TemplateName: 'tpl-1' }],
    ['Description', { Description: 'run 49' }],
  ];
  for (const [name, input] of cases) {
    test(`ListExecutions, ${name}: a page of 50 reads about 50 documents of ${N}`, async () => {
      const i = listExecutionsInput.parse({ MaxResults: 50, ...input });
      const { result, docs, commands } = await cost(() => listExecutionsPage(store, i));
      const want = history.filter(keepOf(i));
      assert.equal(result.items.length, Math.min(50, want.length), 'a full page');
      // The page, one more to know whether more follow, and the few `keep` refuses (children, left to it).
      assert.ok(docs <= 60 + (input.Description ? 150 : 0), `${docs} documents read`);
      assert.ok(commands <= 150, `${commands} commands`);
    });
  }

  test('the /executions page, App Home and /metrics read no more than their page', async () => {
    const page = await cost(() =>
      loadList({ executions: store, tickets }, new URLSearchParams('status=Failed&template=tpl-1&owner=user-1')),
    );
    assert.ok(page.result.rows.length > 0 && page.result.rows.every((r) => r.status === 'Failed'));
    assert.ok(page.docs <= 51, `${page.docs} documents`);
    const home = await cost(() => homeOf('user-4', { executions: store, tickets }));
    assert.equal(home.result.runs.length, 10);
    assert.deepEqual(
      home.result.runs.map((e) => e.id),
      history
        .filter((e) => e.owner === 'user-4')
        .slice(-10)
        .reverse()
        .map((e) => e.id),
    );
    assert.ok(home.docs <= 11, `${home.docs} documents`);
    const metrics = createMetrics({ redis, keys, log: createLogger('silent') });
    try {
      const scrape = await cost(() => metrics.registry.metrics());
      assert.match(scrape.result, /opsgate_executions\{status="Success"\} 3500/);
      assert.match(scrape.result, /opsgate_executions\{status="Running"\} 500/);
      assert.equal(scrape.docs, 0);
      const perExecution = watch
        .commands()
        .filter(([c, k]) => ['get', 'hget', 'hgetall'].includes(c!.toLowerCase()) && k?.includes('}:execution'));
      assert.deepEqual(perExecution, []);
    } finally {
      await metrics.close();
    }
  });
});

function keepOf(i: ReturnType<typeof listExecutionsInput.parse>) {
  // The condition itself is tested against the old code in list-executions.test.ts.
  return (e: Execution) =>
    (!i.Status || e.status === i.Status) &&
    (!i.TemplateName || e.templateName.toLowerCase().includes(i.TemplateName.toLowerCase())) &&
    (!i.ExecutedBy || e.owner === i.ExecutedBy) &&
    (!i.Mode || e.mode === i.Mode) &&
    (i.ParentExecutionId ? e.parent?.executionId === i.ParentExecutionId : i.IncludeChildExecution || !e.parent) &&
    Object.entries(i.Tags ?? {}).every(([k, v]) => e.tags?.[k] === v) &&
    (!i.Description || (e.description ?? '').includes(i.Description)) &&
    (!i.StartDateAfter || Date.parse(e.createDate) >= Date.parse(i.StartDateAfter)) &&
    (!i.StartDateBefore || Date.parse(e.createDate) <= Date.parse(i.StartDateBefore)) &&
    (!i.EndDateAfter || Date.parse(e.endDate ?? '') >= Date.parse(i.EndDateAfter));
}

test('ticket counts follow a ticket opened, rejected in the ballot, closed', async () => {
  const { tickets } = fresh();
  const doc = (key: string) => ({
    key,
    title: 't',
    description: '',
    orderType: 'RUNBOOK',
    spec: {
      levels: [{ name: 'L', mode: 'ANY' as const, min: 1, approvers: ['bob'] }],
      allowSelfApproval: false,
      chat: true,
    },
    subject: {},
    reasons: [],
    createDate: new Date().toISOString(),
  });
  const [a, b, c] = [await tickets.create(doc('a')), await tickets.create(doc('b')), await tickets.create(doc('c'))];
  const counts = async () => Object.fromEntries(await tickets.statuses.counts());
  assert.deepEqual(await counts(), { AUDITING: 3, APPROVED: 0, REJECT: 0, CANCEL: 0 });
  const level = {
    index: 0,
    name: 'L',
    mode: 'ANY' as const,
    status: 'active' as const,
    approvers: ['bob'],
    required: 1,
  };
  assert.ok(await tickets.activate(a, -1, level));
  assert.equal((await tickets.ballot(a, 'bob', 'REJECT', 'no', new Date().toISOString())).outcome, 'decided');
  assert.ok(await tickets.close(b, 'timed-out', 'too late', new Date().toISOString()));
  assert.ok(await tickets.close(c, 'approved', 'done', new Date().toISOString()));
  assert.equal(await tickets.close(c, 'cancelled', 'again', new Date().toISOString()), false);
  assert.deepEqual(await counts(), { AUDITING: 0, APPROVED: 1, REJECT: 1, CANCEL: 1 });
});

describe('the reconcile', () => {
  test('a crash between a save and its index update: the reconcile puts it back', async () => {
    const { keys, store, tickets, reconciler } = fresh();
    const list = Array.from({ length: 1200 }, (_, i) => (i % 2 ? ended(made(i)) : made(i, { status: 'Running' })));
    for (const e of list) await store.create(e);
    await reconciler.run(60_000);
    const before = await store.index.statusCounts();
    // Saved as Success, then the process died: the status and ended indexes still say Running.
    const crashed = list[600]!;
    await redis.hset(keys.execution(crashed.id), 'status', 'Success');
    await redis.set(keys.executionDoc(crashed.id), JSON.stringify(ended({ ...crashed, status: 'Success' })));
    // And one taken out of its status index behind the store's back.
    const lost = list[901]!;
    await redis.zrem(keys.executionsByStatus('Success'), lost.id);
    // A ticket closed as the process died, and an execution whose keys were deleted before its entries.
    const id = await tickets.create({
      key: 'k',
      title: 't',
      description: '',
      orderType: 'RUNBOOK',
      spec: { levels: [], allowSelfApproval: false, chat: true },
      subject: {},
      reasons: [],
      createDate: new Date().toISOString(),
    });
    await redis.hset(keys.ticket(`ticket-${id}`, id), 'status', 'CANCEL');
    const gone = list[3]!;
    await redis.del(keys.execution(gone.id), keys.executionDoc(gone.id));
    assert.equal((await store.index.statusCounts()).get('Success'), before.get('Success')! - 1);

    const r = await reconciler.run(60_000, 500);
    assert.ok(r.passEnded);
    assert.equal(r.repaired, 4);
    const after = await indexesOf(keys, crashed.id);
    assert.ok(after.includes('executions:status:Success') && after.includes('executions:ended'), after.join());
    assert.ok(!after.includes('executions:status:Running'));
    assert.ok((await indexesOf(keys, lost.id)).includes('executions:status:Success'));
    // Gone before its entries: only the indexes its document named are left (reads skip them).
    assert.deepEqual(await indexesOf(keys, gone.id), ['executions:owner:alice', 'executions:template:tpl']);
    assert.deepEqual(
      await tickets.statuses.counts(),
      new Map([
        ['AUDITING', 0],
        ['APPROVED', 0],
        ['REJECT', 0],
        ['CANCEL', 1],
      ]),
    );
    const counts = await store.index.statusCounts();
    assert.equal(counts.get('Success'), before.get('Success'), 'one more Success, one gone');
    assert.equal(counts.get('Running'), before.get('Running')! - 1);
    // Nothing left to repair.
    assert.equal((await reconciler.run(60_000)).repaired, 0);
  });

  test('a Redis an older opsgate filled is listed meanwhile and indexed by the reconcile, in batches', async () => {
    const { keys, store, reconciler } = fresh();
    const list = Array.from({ length: 700 }, (_, i) =>
      made(i, { status: i % 3 ? 'Success' : 'Failed', owner: `u${i % 2}`, tags: { n: String(i % 5) } }),
    );
    for (const e of list) await store.create(e);
    // What an older version leaves: the documents and `all`, no other index.
    for (const key of await allKeys(keys)) if (key !== keys.executionIndex) await redis.del(key);
    assert.equal(await store.index.isComplete(), false);
    const i = listExecutionsInput.parse({ Status: 'Failed', ExecutedBy: 'u1', MaxResults: 100 });
    const want = list.filter((e) => e.status === 'Failed' && e.owner === 'u1').reverse();
    assert.deepEqual(
      (await listExecutionsPage(store, i)).items.map((e) => e.id),
      want.slice(0, 100).map((e) => e.id),
    );

    const first = await reconciler.step(300);
    assert.equal(first.checked, 300);
    assert.equal(first.repaired, 300);
    assert.equal(await store.index.isComplete(), false);
    const r = await reconciler.run(0, 300);
    assert.ok(r.passEnded);
    assert.equal(await store.index.isComplete(), true);
    assert.equal((await store.index.statusCounts()).get('Failed'), list.filter((e) => e.status === 'Failed').length);
    const again = await listExecutionsPage(store, i);
    assert.deepEqual(
      again.items.map((e) => e.id),
      want.slice(0, 100).map((e) => e.id),
    );
    assert.equal(await redis.zcard(keys.executionsByTag('n', '3')), 140);
  });
});

// `unended` held every run without an end date, each waiting run among them: ~120 B a run. The status
// indexes that are not terminal say the same of runs not ended; `endless` keeps the rare terminal run
// without an end date (an older opsgate's), so that lists by end answer as before.
test("an older opsgate's indexes: unended and open tickets go, a run ended without an end is endless", async () => {
  const { keys, store, reconciler } = fresh();
  const open = made(1, { status: 'Waiting' });
  const done = made(2, { status: 'Failed' });
  const over = ended(made(3));
  for (const e of [open, done, over]) await store.create(e);
  assert.deepEqual(await indexesOf(keys, open.id), [
    'executions',
    'executions:owner:alice',
    'executions:status:Waiting',
    'executions:template:tpl',
  ]);
  assert.ok((await indexesOf(keys, done.id)).includes('executions:endless'));
  // As an older opsgate left them: both runs without an end in `unended`, none in `endless`.
  await redis.zrem(keys.executionsEndless, done.id);
  await redis.zadd(keys.executionsUnended, Date.parse(open.createDate), open.id, Date.parse(done.createDate), done.id);
  await redis.sadd(keys.openTickets, '1');
  // A ticket in the index every ticket was in, its fields in a hash of its own, closed behind the sets' back.
  await redis.hset(keys.ticketIndex, '77', open.id);
  await redis.hset(keys.ticket(open.id, '77'), 'status', 'CANCEL');
  await redis.sadd(keys.ticketsByStatus('AUDITING'), '77');
  await redis.hset(keys.indexState, 'version', '1');
  const r = await reconciler.run(0);
  assert.ok(r.passEnded);
  assert.ok((await indexesOf(keys, done.id)).includes('executions:endless'));
  assert.equal(await redis.exists(keys.executionsUnended, keys.openTickets), 0);
  assert.deepEqual(
    await Promise.all(['AUDITING', 'CANCEL'].map((st) => redis.sismember(keys.ticketsByStatus(st), '77'))),
    [0, 1],
  );
  // Listed by end: the runs without an end (by start), then those that ended.
  for (const [order, ids] of [
    ['Ascending', [open.id, done.id, over.id]],
    ['Descending', [over.id, done.id, open.id]],
  ] as const) {
    const i = listExecutionsInput.parse({ SortField: 'EndDate', SortOrder: order });
    assert.deepEqual(
      (await listExecutionsPage(store, i)).items.map((e) => e.id),
      ids,
      order,
    );
  }
});

test('an index this version adds is filled for every execution by the first pass on it', async () => {
  const { keys, store, reconciler } = fresh();
  for (let i = 0; i < 30; i++) await store.create(made(i, { owner: `u${i % 3}` }));
  // As if the owner index were new: the status indexes are there, it is not, and no pass ran on this version.
  for (const o of ['u0', 'u1', 'u2']) await redis.del(keys.executionsByOwner(o));
  await redis.hdel(keys.indexState, 'version');
  const r = await reconciler.run(0, 12);
  assert.ok(r.passEnded);
  assert.equal(await redis.zcard(keys.executionsByOwner('u1')), 10);
  assert.equal((await reconciler.run(0)).repaired, 0);
});

async function allKeys(keys: Keys): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, names] = await redis.scan(cursor, 'MATCH', `*${keys.prefix}*executions*`, 'COUNT', 500);
    cursor = next;
    out.push(...names);
  } while (cursor !== '0');
  return out;
}
