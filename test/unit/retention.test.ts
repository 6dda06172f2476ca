import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Retention, type RetentionStore } from '../../src/core/retention.js';
import type { Execution, ParentRef } from '../../src/engine/types.js';
import { createLogger } from '../../src/log.js';

/** Retention's sweep over an in-memory store: the order it reads ended runs in, what it keeps. */
const T0 = Date.parse('2024-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function run(id: string, endedAt?: number, parent?: ParentRef): Execution {
  return {
    id,
    templateName: 'runbook',
    templateVersion: 'v1',
    parameters: {},
    status: endedAt === undefined ? 'Waiting' : 'Success',
    tasks: {},
    origin: { platform: 'api' },
    mode: 'Automatic',
    createDate: at(0),
    updateDate: at(endedAt ?? 0),
    ...(endedAt === undefined ? {} : { endDate: at(endedAt) }),
    ...(parent ? { parent } : {}),
  };
}

/** The store's contract: ended runs by endDate, children by their parent, removal whole. */
function memoryStore(runs: Execution[]): RetentionStore & { live: Map<string, Execution> } {
  const live = new Map(runs.map((e) => [e.id, e]));
  const ended = () =>
    [...live.values()]
      .filter((e) => e.endDate)
      .sort((a, b) => a.endDate!.localeCompare(b.endDate!) || a.id.localeCompare(b.id));
  return {
    live,
    endedBefore: async (cutoff, limit, offset = 0) =>
      ended()
        .filter((e) => Date.parse(e.endDate!) < cutoff)
        .slice(offset, offset + limit)
        .map((e) => e.id),
    find: async (id) => live.get(id),
    record: async (exec) => ({
      execution: exec,
      taskRecords: [],
      loopItems: {},
      children: [...live.values()].filter((c) => c.parent?.executionId === exec.id).map((c) => c.id),
    }),
    tickets: async () => [],
    remove: async (exec) => {
      live.delete(exec.id);
    },
  };
}

const retention = (store: RetentionStore, batch: number) =>
  new Retention({
    store,
    template: async () => undefined,
    retentionMs: 1000,
    now: () => T0 + 3600_000,
    log: createLogger('silent'),
    batch,
  });

const childOf = (parent: string, detached = false): ParentRef => ({
  executionId: parent,
  taskName: 'task',
  taskExecutionId: `${parent}-task`,
  ...(detached ? { detached } : {}),
});

test("a waiting parent's ended children stay, and hold up no one behind them; detached children go", async () => {
  const store = memoryStore([
    run('parent'),
    // The oldest ended runs: children the waiting parent waited for (ACS::Template, a loop's items).
    run('child-1', 1, childOf('parent')),
    run('child-2', 2, childOf('parent')),
    run('child-3', 3, childOf('parent')),
    // A trigger's child: the parent never reads it.
    run('fired', 4, childOf('parent', true)),
    run('other-1', 5),
    run('other-2', 6),
  ]);
  const r = await retention(store, 2).sweepAll();
  assert.deepEqual(r, { removed: 3 });
  assert.deepEqual([...store.live.keys()].sort(), ['child-1', 'child-2', 'child-3', 'parent']);
});

test('an ended parent takes its children with it, children first, whichever the index reads first', async () => {
  const store = memoryStore([
    run('child-1', 1, childOf('parent')),
    run('other', 2),
    run('child-2', 3, childOf('parent')),
    run('parent', 4),
  ]);
  const removed: string[] = [];
  const remove = store.remove;
  store.remove = async (exec, parts) => {
    removed.push(exec.id);
    await remove(exec, parts);
  };
  assert.deepEqual(await retention(store, 2).sweepAll(), { removed: 4 });
  assert.deepEqual(removed, ['other', 'child-1', 'child-2', 'parent']);
  assert.equal(store.live.size, 0);
});

test('runs kept at the head of the index (a child still running) do not stop the sweep behind them', async () => {
  const store = memoryStore([
    run('parent-1', 1),
    run('running-1', undefined, childOf('parent-1', true)),
    run('parent-2', 2),
    run('running-2', undefined, childOf('parent-2', true)),
    run('other', 3),
  ]);
  assert.deepEqual(await retention(store, 2).sweepAll(), { removed: 1 });
  assert.equal(store.live.has('other'), false);
  assert.equal(store.live.size, 4);
});
