import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Execution } from '../../src/engine/types.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';

// A run is saved before every task with an effect outside it (its Running record is stored before the
// call goes out), but not between local tasks (Sleep, Choice, Pause): nothing outside saw those, and a
// crash that runs them again changes nothing.
describe('local tasks run back to back; a task that acts outside starts only once saved', () => {
  let og: Opsgate;
  let server: Server;
  let base = '';
  const seen: { key?: string; stored?: Execution }[] = [];
  const cancelFirst = new Set<string>();
  const saves = new Map<string, string[]>();

  before(async () => {
    og = await startOpsgate({ env: { OPSGATE_TEMPLATES: 'test/fixtures/local' } });
    // The outside system: what was stored of the run when the call came.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', async () => {
        const id = String(req.headers['x-run'] ?? '');
        seen.push({ key: req.headers['idempotency-key'] as string, stored: await og.rt.executionStore.find(id) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const store = og.rt.executionStore;
    const save = store.save.bind(store);
    store.save = async (e, saver, ...rest) => {
      saves.set(e.id, [...(saves.get(e.id) ?? []), `${e.status}@${e.current ?? '-'}`]);
      // A cancel that lands while the job runs the local tasks, before it has written anything.
      if (saver && cancelFirst.delete(e.id)) await og.rt.executions.cancel(e.id);
      return save(e, saver, ...rest);
    };
  });
  after(async () => {
    await og.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const run = async (templateName: string, parameters: Record<string, unknown>) => {
    const e = await og.rt.executions.start({ templateName, parameters, owner: 'alice', origin: { platform: 'api' } });
    return until(async () => {
      const now = await og.rt.executionStore.get(e.id);
      return now.status === 'Success' ? now : undefined;
    }, `${e.id} Success`);
  };

  test('three local tasks: saved once, when the run ends (the save takes the run as its claim would)', async () => {
    const e = await run('three-naps', {});
    assert.deepEqual(saves.get(e.id), ['Success@-']);
    const records = await og.rt.executionStore.taskRecords(e.id);
    assert.deepEqual(records.map((r) => `${r.name}:${r.status}`).sort(), [
      'first:Success',
      'second:Success',
      'third:Success',
    ]);
  });

  test('before the outside call, its task and the local tasks before it are stored', async () => {
    seen.length = 0;
    const e = await run('local-then-call', { base });
    // The call's task is saved before it starts, and its end before the next task (which is local).
    assert.deepEqual(saves.get(e.id), ['Running@call', 'Running@after', 'Success@-']);
    assert.equal(seen.length, 1);
    const { key, stored } = seen[0]!;
    const call = stored?.tasks.call;
    assert.equal(call?.status, 'Running');
    assert.equal(key, `${e.id}/call`);
    for (const name of ['nap', 'pick', 'rest']) assert.equal(stored?.tasks[name]?.status, 'Success', name);
    const records = await og.rt.executionStore.taskRecords(e.id);
    assert.deepEqual(
      records.map((r) => r.name).sort(),
      ['after', 'call', 'nap', 'pick', 'rest'],
      'every task run is listed (ListTaskExecutions)',
    );
  });

  test('a run cancelled while its local tasks ran stays cancelled: the one save is refused', async () => {
    const store = og.rt.executionStore;
    const e = await og.rt.executions.start({
      templateName: 'three-naps',
      parameters: {},
      owner: 'alice',
      origin: { platform: 'api' },
    });
    cancelFirst.add(e.id);
    const ended = await until(async () => {
      const now = await store.get(e.id);
      return !cancelFirst.has(e.id) && now.status !== 'Queued' && now.status !== 'Running' ? now : undefined;
    }, `${e.id} ended`);
    await new Promise((r) => setTimeout(r, 300)); // the refused job's retry, had it one to make
    const now = await store.get(e.id);
    assert.deepEqual([ended.status, now.status], ['Cancelled', 'Cancelled']);
    for (const name of ['first', 'second', 'third']) assert.notEqual(now.tasks[name]?.status, 'Success', name);
    assert.deepEqual(await store.taskRecords(e.id), [], 'no task run recorded by the refused save');
  });

  test('a resumed approval reads its decision before the run is saved: one save less', async () => {
    const e = await og.rt.executions.start({
      templateName: 'approve-then-nap',
      parameters: {},
      owner: 'alice',
      origin: { platform: 'api' },
    });
    const waiting = await until(async () => {
      const now = await og.rt.executionStore.get(e.id);
      return now.status === 'Waiting' ? now : undefined;
    }, `${e.id} Waiting`);
    const ticketId = String(waiting.tasks.approve?.data?.ticketId);
    const vote = await og.rt.approvals.vote(ticketId, og.rt.directory.user('bob'), 'AGREE');
    assert.equal(vote.outcome, 'decided');
    await until(async () => (await og.rt.executionStore.get(e.id)).status === 'Success', `${e.id} Success`);
    // The resumed job's claim goes with the save that records the approval's end, not before it.
    assert.deepEqual(saves.get(e.id), ['Running@approve', 'Waiting@approve', 'Running@nap', 'Success@-']);
  });
});
