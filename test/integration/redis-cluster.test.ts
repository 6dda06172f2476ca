import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Target } from '../fakes/target.js';
import { startOpsgate, until } from '../support/harness.js';
import { type ClusterTopology, startCluster } from '../support/redis-topology.js';
import { WorkerPool } from '../support/worker-pool.js';

const LUA = new URL('../../src/store/lua/', import.meta.url);

/** Each key of one primary under the prefix (SCAN on that node alone). */
async function keysOn(node: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

describe('opsgate on a Redis Cluster of three primaries', () => {
  let cluster: ClusterTopology;
  let target: Target;
  let nodes: Redis[];
  before(async () => {
    cluster = await startCluster({ masters: 3 });
    target = await new Target().start();
    nodes = cluster.nodes.map((n) => new Redis(n.port, n.host));
  });
  after(async () => {
    for (const n of nodes) n.disconnect();
    await target.stop();
    await cluster.stop();
  });

  test('every Lua script runs there: each keeps all its keys in one slot', async () => {
    const og = await startOpsgate({
      env: {
        REDIS_CLUSTER_NODES: cluster.nodesEnv,
        OPSGATE_QUEUE_SHARDS: '3',
        OPSGATE_TEMPLATES: 'test/fixtures/runbooks:test/fixtures/engine:test/fixtures/approvals',
      },
    });
    try {
      const { rt } = og;
      const start = (templateName: string, parameters: Record<string, unknown>) =>
        rt.executions.start({ templateName, parameters, owner: 'alice', origin: { platform: 'api' } });
      const ticketOf = (id: string) =>
        until(async () => (await rt.executionStore.get(id)).tasks.approve?.data?.ticketId as string | undefined, id);
      const ended = (id: string, status: string) =>
        until(async () => (await rt.executionStore.get(id)).status === status, `${id} ${status}`, 20_000);
      // template-put ran as the web process loaded OPSGATE_TEMPLATES.
      // cas: a loop's state; execution-save and index-status: every save.
      const loop = await start('loop', { base: target.base });
      // ticket-create, level-activate, level-put, ballot: two levels, voted through.
      const levels = await start('two-level', { env: 'prod', target: target.url });
      const ticket = await ticketOf(levels.id);
      await rt.approvals.vote(ticket, rt.directory.user('bob'), 'AGREE', undefined, 'api');
      await until(async () => (await rt.approvals.get(ticket)).level === 1, 'the DBA level');
      // ticket-approvers: the DBA level handed on; ticket-close: a run cancelled with its ticket open.
      assert.equal(await rt.approvals.transfer(ticket, rt.directory.user('carol'), 'dave'), '');
      await rt.approvals.vote(ticket, rt.directory.user('dave'), 'AGREE', undefined, 'api');
      const cancelled = await start('two-approvals', { target: target.url });
      await ticketOf(cancelled.id);
      await rt.executions.cancel(cancelled.id);
      await ended(loop.id, 'Success');
      await ended(levels.id, 'Success');
      await ended(cancelled.id, 'Cancelled');

      // A script that named keys of two slots would have been refused (CROSSSLOT) before it ran, and
      // never cached: each one is cached on some primary, so each ran there.
      for (const file of readdirSync(LUA)) {
        const sha = createHash('sha1')
          .update(readFileSync(new URL(file, LUA), 'utf8'))
          .digest('hex');
        const cached = await Promise.all(nodes.map(async (n) => ((await n.script('EXISTS', sha)) as number[])[0]));
        assert.ok(cached.includes(1), `${file} ran on the cluster`);
      }
    } finally {
      await og.close();
    }
  });

  test('1,000 executions, three worker processes, three shards: keys on every primary, each step once', async () => {
    const og = await startOpsgate({
      worker: false,
      env: { REDIS_CLUSTER_NODES: cluster.nodesEnv, OPSGATE_QUEUE_SHARDS: '3' },
    });
    const pool = new WorkerPool({ ...og.env, OPSGATE_QUEUE_SHARDS: '3' });
    try {
      for (let n = 0; n < 3; n++) pool.spawn();
      await until(() => pool.readyCount === 3, 'three workers', 30_000);
      const hitsBefore = target.hits.length;
      const ids: string[] = [];
      for (let n = 0; n < 1000; n += 50) {
        const batch = await Promise.all(
          Array.from({ length: 50 }, () =>
            og.rt.executions.start({
              templateName: 'two-approvals',
              parameters: { target: `${target.base}/sink` },
              owner: 'alice',
              origin: { platform: 'api' },
            }),
          ),
        );
        ids.push(...batch.map((e) => e.id));
      }
      // Each waits at its approval: bob and carol approve all of them.
      for (const id of ids) {
        const ticket = await until(
          async () => (await og.rt.executionStore.get(id)).tasks.approve?.data?.ticketId as string | undefined,
          `${id} ticket`,
          30_000,
        );
        for (const who of ['bob', 'carol'])
          await og.rt.approvals.vote(ticket, og.rt.directory.user(who), 'AGREE', undefined, 'api');
      }
      await until(
        async () => (await og.rt.executionStore.index.statusCounts()).get('Success') === 1000,
        '1,000 executions Success',
        120_000,
      );
      const hits = target.hits.slice(hitsBefore).filter((h) => h.path === '/sink');
      const keysSent = new Set(hits.map((h) => h.idempotencyKey));
      assert.equal(keysSent.size, 1000, 'one deploy step per execution');
      assert.equal(hits.length, 1000, 'no step ran twice');
      assert.deepEqual(pool.errors, []);
      const perNode = await Promise.all(nodes.map(async (n) => (await keysOn(n, `*${og.prefix}*`)).length));
      for (const count of perNode) assert.ok(count > 300, `keys on every primary: ${perNode.join(', ')}`);
      const queues = await Promise.all(nodes.map(async (n) => (await keysOn(n, `{${og.prefix}*`)).length));
      assert.ok(queues.filter((c) => c > 0).length >= 2, `queue shards on more than one primary: ${queues}`);
    } finally {
      await pool.stop();
      await og.close();
    }
  });
});
