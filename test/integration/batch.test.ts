import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { batch, slotOf } from '../../src/store/batch.js';
import { connect, deletePrefix } from '../../src/store/redis.js';
import { REDIS_URL } from '../support/harness.js';
import { type ClusterTopology, startCluster } from '../support/redis-topology.js';

test('slotOf follows Redis Cluster: the first non-empty {tag}, else the whole key', () => {
  assert.equal(slotOf('p:{exec-1}:doc'), 'exec-1');
  assert.equal(slotOf('{p:executions}:status:Running'), 'p:executions');
  assert.equal(slotOf('p:executions:owner:alice'), 'p:executions:owner:alice');
  assert.equal(slotOf('p:{}:x{y}'), 'p:{}:x{y}', 'an empty {} is no tag');
});

/** The same commands through a batch on `redis`: replies in order, errors in place, reads after writes. */
async function exercise(redis: Redis, prefix: string): Promise<void> {
  const k = (name: string) => `${prefix}:${name}`;
  const p = batch(redis, { ordered: true });
  p.zadd(k('index:a'), 1, 'x');
  p.sadd(k('{t}:set'), 'y');
  p.hset(k('{t}:hash'), 'status', 'Running');
  p.hget(k('{t}:hash'), 'status');
  p.lpush(k('index:a'), 'wrong type'); // an error reply, in its place
  p.zcard(k('index:a'));
  const replies = (await p.exec())!;
  assert.deepEqual(
    replies.map(([err, v]) => (err ? 'error' : v)),
    [1, 1, 1, 'Running', 'error', 1],
  );
}

describe('batch: commands of many keys sent together on each topology', () => {
  const prefix = `ogt-${randomBytes(5).toString('hex')}`;
  let cluster: ClusterTopology;
  const opened: Redis[] = [];
  const open = (r: Redis) => {
    opened.push(r);
    return r;
  };
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    for (const r of opened) {
      await deletePrefix(r, `*${prefix}*`);
      r.disconnect();
    }
    await cluster.stop();
  });

  test('one Redis, a plain connection: the commands in turn', async () => {
    await exercise(open(new Redis(REDIS_URL)), `${prefix}:plain`);
  });
  test('one Redis as opsgate connects to it', async () => {
    await exercise(open(connect(REDIS_URL)), `${prefix}:auto`);
  });
  test('a Redis Cluster: one pipeline per slot, replies in the order queued', async () => {
    await exercise(open(connect({ kind: 'cluster', nodes: cluster.nodes, auth: { tls: false } })), `${prefix}:c`);
  });
});
