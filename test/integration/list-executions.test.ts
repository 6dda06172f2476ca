import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { ExecutionStatus } from '../../src/engine/status.js';
import type { Execution } from '../../src/engine/types.js';
import { listExecutionsInput, listExecutionsPage } from '../../src/http/api/execution-list.js';
import { sortBy } from '../../src/http/api/paging.js';
import { ExecutionStore } from '../../src/store/executions.js';
import { keys as buildKeys } from '../../src/store/keys.js';
import { deletePrefix } from '../../src/store/redis.js';
import { REDIS_URL } from '../support/harness.js';
import { INDEX_VERSION } from '../../src/store/execution-index.js';

type Input = ReturnType<typeof listExecutionsInput.parse>;
const dateOf = (d?: string) => (d ? Date.parse(d) : NaN);

/** ListExecutions as it was before the indexes: every execution read, filtered, sorted, then paged. */
function oldAnswer(all: Execution[], i: Input): Execution[] {
  const found = all.filter(
    (e) =>
      (!i.ExecutionId || e.id === i.ExecutionId) &&
      (!i.TemplateName || e.templateName.toLowerCase().includes(i.TemplateName.toLowerCase())) &&
      (!i.Status || e.status === i.Status) &&
      (!i.Mode || e.mode === i.Mode) &&
      (i.ParentExecutionId
        ? e.parent?.executionId === i.ParentExecutionId
        : i.IncludeChildExecution || i.ExecutionId || !e.parent) &&
      (!i.ExecutedBy || e.owner === i.ExecutedBy) &&
      (!i.Description || (e.description ?? '').includes(i.Description)) &&
      (!i.StartDateAfter || dateOf(e.createDate) >= dateOf(i.StartDateAfter)) &&
      (!i.StartDateBefore || dateOf(e.createDate) <= dateOf(i.StartDateBefore)) &&
      (!i.EndDateAfter || dateOf(e.endDate) >= dateOf(i.EndDateAfter)) &&
      (!i.EndDateBefore || dateOf(e.endDate) <= dateOf(i.EndDateBefore)) &&
      Object.entries(i.Tags ?? {}).every(([k, v]) => e.tags?.[k] === v),
  );
  const key = (e: Execution) =>
    i.SortField === 'Status' ? e.status : i.SortField === 'EndDate' ? (e.endDate ?? '') : e.createDate;
  return sortBy(found, key, i.SortOrder, (e) => e.id);
}

/**
 * The same answer, ordered as the indexes order equal keys: by start date (then id) within a
 * status, and among executions that did not end; by id elsewhere, as before.
 */
function newOrder(old: Execution[], i: Input): Execution[] {
  const sign = i.SortOrder === 'Ascending' ? 1 : -1;
  const key = (e: Execution) =>
    i.SortField === 'Status' ? e.status : i.SortField === 'EndDate' ? (e.endDate ?? '') : e.createDate;
  const tie = (e: Execution) =>
    i.SortField === 'Status' || (i.SortField === 'EndDate' && !e.endDate) ? e.createDate : '';
  return [...old].sort((a, b) => {
    for (const [x, y] of [
      [key(a), key(b)],
      [tie(a), tie(b)],
      [a.id, b.id],
    ] as const)
      if (x !== y) return (x < y ? -1 : 1) * sign;
    return 0;
  });
}

const STATUSES: ExecutionStatus[] = ['Queued', 'Running', 'Waiting', 'Success', 'Failed', 'Cancelled'];
const TEMPLATES = ['alpha-1', 'alpha-2', 'beta', 'Gamma-Alpha', 'delta'];

/** A deterministic history: equal start and end times, children, tags, runs that ended without an end date. */
function history(n: number): Execution[] {
  // mulberry32: small, and random in its low bits too.
  let seed = 7;
  const rnd = (k: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % k;
  };
  const base = Date.parse('2024-03-01T00:00:00Z');
  const out: Execution[] = [];
  for (let i = 0; i < n; i++) {
    const status = STATUSES[rnd(6)]!;
    const createDate = new Date(base + Math.floor(i / 3) * 60_000 + rnd(2)).toISOString();
    const terminal = ['Success', 'Failed', 'Cancelled'].includes(status);
    const parent = i > 10 && rnd(5) === 0 ? out[rnd(10)]! : undefined;
    out.push({
      id: `exec-${randomBytes(10).toString('hex')}`,
      templateName: TEMPLATES[rnd(TEMPLATES.length)]!,
      templateVersion: 'v1',
      parameters: {},
      status,
      tasks: {},
      origin: { platform: 'api' },
      mode: (['Automatic', 'Debug', 'FailurePause'] as const)[rnd(3)]!,
      owner: rnd(7) === 0 ? undefined : `user-${rnd(3)}`,
      description: rnd(2) ? `deploy ${i % 4}` : undefined,
      tags: rnd(4) ? { env: rnd(2) ? 'prod' : 'dev', ...(rnd(2) ? { team: `t${rnd(2)}` } : {}) } : undefined,
      ...(parent ? { parent: { executionId: parent.id, taskName: 'child', taskExecutionId: 'te' } } : {}),
      createDate,
      updateDate: createDate,
      ...(terminal && rnd(8) ? { endDate: new Date(base + rnd(200) * 30_000).toISOString() } : {}),
    });
  }
  return out;
}

describe('ListExecutions through the indexes answers as it did', () => {
  let redis: Redis;
  let store: ExecutionStore;
  let all: Execution[];
  const prefix = `ogt-${randomBytes(5).toString('hex')}`;

  before(async () => {
    redis = new Redis(REDIS_URL);
    const keys = buildKeys(prefix);
    store = new ExecutionStore(redis, keys);
    all = history(400);
    for (const e of all) await store.create(e);
    await redis.hset(keys.indexState, 'version', INDEX_VERSION);
  });
  after(async () => {
    await deletePrefix(redis, `*${prefix}*`);
    redis.disconnect();
  });

  /**
   * Every page, by NextToken; each page but the last is full, as before, unless a scan limit
   * stopped a call short (then pages may be short, or empty, and go on).
   */
  async function pages(input: Record<string, unknown>, scanLimit?: number): Promise<Execution[]> {
    const got: Execution[] = [];
    let token: string | undefined;
    for (let n = 0; n < 1000; n++) {
      const i = listExecutionsInput.parse({ ...input, ...(token ? { NextToken: token } : {}) });
      const page = await listExecutionsPage(store, i, scanLimit);
      got.push(...page.items);
      token = page.next;
      if (!token) return got;
      if (!scanLimit) assert.equal(page.items.length, i.MaxResults, 'a page before the last is full');
    }
    throw new Error('no end of pages');
  }

  const filters: Record<string, unknown>[] = [
    {},
    ...STATUSES.map((Status) => ({ Status })),
    { Status: 'Nonsense' },
    { TemplateName: 'alpha' },
    { TemplateName: 'ALPHA-1' },
    { TemplateName: 'zzz' },
    { TemplateName: '' },
    { ExecutedBy: 'user-1' },
    { ExecutedBy: 'nobody' },
    { Mode: 'Debug' },
    { Mode: 'Automatic' },
    { Mode: 'FailurePause', IncludeChildExecution: true },
    { IncludeChildExecution: true },
    { IncludeChildExecution: 'true', Status: 'Running' },
    { Tags: { env: 'prod' } },
    { Tags: '{"env":"dev","team":"t1"}' },
    { Description: 'deploy 2' },
    { StartDateAfter: '2024-03-01T01:00:00Z' },
    { StartDateBefore: '2024-03-01T00:20:00.001Z', IncludeChildExecution: true },
    { StartDateAfter: '2024-03-01T00:30:00Z', StartDateBefore: '2024-03-01T01:10:00Z', Status: 'Success' },
    { EndDateAfter: '2024-03-01T00:40:00Z' },
    { EndDateBefore: '2024-03-01T00:40:00Z', TemplateName: 'beta' },
    { EndDateAfter: '2024-03-01T00:10:00Z', EndDateBefore: '2024-03-01T01:00:00Z', Tags: { env: 'prod' } },
    { TemplateName: 'a', ExecutedBy: 'user-0', Mode: 'Automatic', Tags: { env: 'prod' } },
  ];
  for (const sort of ['StartDate', 'EndDate', 'Status'])
    for (const order of ['Descending', 'Ascending'])
      test(`sorted by ${sort}, ${order}: every filter, page by page`, async () => {
        for (const f of filters) {
          const input = { ...f, SortField: sort, SortOrder: order, MaxResults: 13 };
          const i = listExecutionsInput.parse(input);
          const old = oldAnswer(all, i);
          const got = await pages(input);
          const what = JSON.stringify(f);
          assert.deepEqual(new Set(got.map((e) => e.id)), new Set(old.map((e) => e.id)), `same executions: ${what}`);
          assert.equal(got.length, old.length, `each once: ${what}`);
          assert.deepEqual(
            got.map((e) => e.id),
            newOrder(old, i).map((e) => e.id),
            `in order: ${what}`,
          );
          if (sort === 'StartDate')
            assert.deepEqual(
              got.map((e) => e.id),
              old.map((e) => e.id),
              `as before: ${what}`,
            );
        }
      });

  test('a scan limit stops a call short, and the pages still add up to the same answer', async () => {
    for (const f of [{ Description: 'deploy 3' }, { Status: 'Failed', ExecutedBy: 'user-2', SortField: 'EndDate' }]) {
      for (const SortOrder of ['Descending', 'Ascending']) {
        const input = { ...f, SortOrder, MaxResults: 10 };
        const want = newOrder(oldAnswer(all, listExecutionsInput.parse(input)), listExecutionsInput.parse(input));
        assert.deepEqual(
          (await pages(input, 15)).map((e) => e.id),
          want.map((e) => e.id),
          JSON.stringify(input),
        );
      }
    }
  });

  test('a child is found by its parent; one execution by its id, children or not', async () => {
    const child = all.find((e) => e.parent)!;
    const parentId = child.parent!.executionId;
    const byParent = await pages({ ParentExecutionId: parentId, MaxResults: 10 });
    assert.deepEqual(
      byParent.map((e) => e.id),
      oldAnswer(all, listExecutionsInput.parse({ ParentExecutionId: parentId })).map((e) => e.id),
    );
    assert.ok(byParent.some((e) => e.id === child.id));
    assert.deepEqual(
      (await pages({ ExecutionId: child.id, MaxResults: 10 })).map((e) => e.id),
      [child.id],
    );
    assert.deepEqual(await pages({ ExecutionId: child.id, Status: 'Nonsense', MaxResults: 10 }), []);
  });

  test('NextToken goes on where it stopped while new executions start', async () => {
    const input = { MaxResults: 25, IncludeChildExecution: true };
    const want = oldAnswer(all, listExecutionsInput.parse(input)).map((e) => e.id);
    const first = await listExecutionsPage(store, listExecutionsInput.parse(input));
    // Newer runs, some in the very millisecond the page ended at.
    const at = first.items.at(-1)!.createDate;
    const newer = history(30).map((e, n) => ({ ...e, createDate: n % 2 ? at : new Date().toISOString() }));
    for (const e of newer) await store.create(e);
    const seen = first.items.map((e) => e.id);
    let token = first.next;
    while (token) {
      const page = await listExecutionsPage(store, listExecutionsInput.parse({ ...input, NextToken: token }));
      seen.push(...page.items.map((e) => e.id));
      token = page.next;
    }
    const sameMs = newer.filter((e) => e.createDate === at && e.id < first.items.at(-1)!.id).map((e) => e.id);
    assert.deepEqual(new Set(seen), new Set([...want, ...sameMs]), 'none lost, none twice');
    assert.equal(seen.length, new Set(seen).size);
    for (const e of newer) await store.index.remove(e);
  });

  test('a NextToken of the old offset kind, of another sort, or made up is refused as InvalidParameter', async () => {
    const offset = Buffer.from('o:10').toString('base64url');
    const page = await listExecutionsPage(store, listExecutionsInput.parse({ MaxResults: 10 }));
    for (const [token, sort] of [
      [offset, 'StartDate'],
      [page.next!, 'EndDate'],
      [`${page.next!}x`, 'StartDate'],
      ['nonsense', 'StartDate'],
    ] as const) {
      await assert.rejects(
        listExecutionsPage(store, listExecutionsInput.parse({ NextToken: token, SortField: sort })),
        { code: 'InvalidParameter', message: 'NextToken: is not a token this API gave' },
        token,
      );
    }
  });
});

// A filter's conditions are checked on index scores (ZMSCORE) before documents are read; one that every
// run meets is not: "root runs only" when no run has a parent read the child index for every entry.
test('a condition every execution meets is not checked: without children, the child index is not read', async () => {
  const redis = new Redis(REDIS_URL);
  const keys = buildKeys(`ogt-${randomBytes(5).toString('hex')}`);
  const store = new ExecutionStore(redis, keys);
  try {
    const runs = history(400)
      .filter((e) => !e.parent && e.endDate)
      .map((e, n) => ({ ...e, owner: `user-${n % 2}` }));
    for (const e of runs) await store.create(e);
    await redis.hset(keys.indexState, 'version', INDEX_VERSION);
    const scored: string[] = [];
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = (command, ...rest) => {
      if (command.name === 'zmscore') scored.push(String(command.args[0]));
      return send(command, ...rest);
    };
    const i = listExecutionsInput.parse({ SortField: 'EndDate', ExecutedBy: 'user-0', MaxResults: 10 });
    const page = await listExecutionsPage(store, i);
    assert.deepEqual(
      page.items.map((e) => e.id),
      newOrder(oldAnswer(runs, i), i)
        .slice(0, 10)
        .map((e) => e.id),
    );
    assert.ok(scored.includes(keys.executionsByOwner('user-0')), `the owner is checked on scores: ${scored}`);
    assert.ok(!scored.includes(keys.executionsChild), 'the empty child index is not read');
  } finally {
    await deletePrefix(redis, `*${keys.prefix}*`);
    redis.disconnect();
  }
});
