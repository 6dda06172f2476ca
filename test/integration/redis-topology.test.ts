import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { type Address, type ClusterTopology, startCluster, startSentinel } from '../support/redis-topology.js';

/**
 * The Redis topologies opsgate is to run on, started by the tests themselves on loopback (test/support/
 * redis-topology.ts): a Redis Cluster, with and without a password, and a primary/replica pair behind a
 * Sentinel that fails over when the primary is killed. What must hold: an ioredis Cluster client spreads
 * keys over every master, and an ioredis Sentinel client follows a failover and writes again.
 */

/** Sets 100 keys, each with its own hash tag, through `new Cluster(nodes)`; then reads every master directly. */
async function keysOnEveryMaster(topology: ClusterTopology, password?: string): Promise<void> {
  const cluster = new Cluster(topology.nodes, { redisOptions: { password } });
  const keys = Array.from({ length: 100 }, (_, i) => `{tag-${i}}:key`);
  try {
    for (const key of keys) await cluster.set(key, 'v');
    assert.equal(await cluster.get('{tag-42}:key'), 'v');
  } finally {
    cluster.disconnect();
  }

  const direct = (node: Address) => new Redis({ ...node, password, lazyConnect: true });
  const one = direct(topology.nodes[0]!);
  const slots = new Set<number>();
  for (const key of keys) slots.add((await one.call('CLUSTER', 'KEYSLOT', key)) as number);
  one.disconnect();

  // Each master holds only keys of the slots it serves: its DBSIZE is its COUNTKEYSINSLOT summed over
  // the keys' slots (0 for slots it does not serve), none is empty, and together they hold all 100.
  let total = 0;
  for (const node of topology.nodes) {
    const master = direct(node);
    try {
      const dbsize = await master.dbsize();
      let counted = 0;
      for (const slot of slots) counted += (await master.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot))) as number;
      assert.ok(dbsize > 0, `master ${node.port} holds no key`);
      assert.equal(counted, dbsize, `master ${node.port}: keys in its slots`);
      total += dbsize;
    } finally {
      master.disconnect();
    }
  }
  assert.equal(total, keys.length);
}

test('a cluster of 3 masters: ioredis Cluster puts keys on every master', async (t) => {
  const started = Date.now();
  const topology = await startCluster();
  t.after(() => topology.stop());
  t.diagnostic(`cluster up in ${Date.now() - started} ms: ${topology.nodesEnv}`);
  assert.equal(topology.nodes.length, 3);
  assert.equal(topology.nodesEnv, topology.nodes.map((n) => `${n.host}:${n.port}`).join(','));
  await keysOnEveryMaster(topology);
});

test('a cluster with a password refuses a client without it, and serves one with it', async (t) => {
  const password = 'cluster-secret';
  const topology = await startCluster({ password });
  t.after(() => topology.stop());
  const anonymous = new Redis({ ...topology.nodes[0]!, lazyConnect: true });
  anonymous.on('error', () => undefined); // its HELLO is refused (NOAUTH) too, reported as an error event
  try {
    await assert.rejects(anonymous.call('CLUSTER', 'INFO'), /NOAUTH/);
  } finally {
    anonymous.disconnect();
  }
  await keysOnEveryMaster(topology, password);
});

test('Sentinel: after the primary is SIGKILLed, the same ioredis client writes to the promoted replica', async (t) => {
  let started = Date.now();
  const topology = await startSentinel();
  t.diagnostic(`sentinel topology up in ${Date.now() - started} ms: sentinel ${topology.sentinelsEnv}`);

  // ioredis's defaults: its backoff between reconnects (each asks the sentinel for the primary anew)
  // and 20 reconnects before a queued command fails are enough to ride out a failover of a few seconds.
  const client = new Redis({ sentinels: [topology.sentinel], name: topology.name });
  // The client goes first: closing a connection to a node already gone waits 2 s (disconnectTimeout).
  t.after(async () => {
    client.disconnect();
    await topology.stop();
  });
  const errors = new Set<string>();
  client.on('error', (err) => errors.add(err.message)); // while the primary is gone: ECONNREFUSED
  await client.set('before', '1');
  // Replication is asynchronous: without WAIT the kill may come before the replica has the key (the
  // window README's "What a failover can lose" describes), and this test is of the failover, not of it.
  assert.equal(await client.call('WAIT', '1', '2000'), 1);

  started = Date.now();
  await topology.killPrimary();
  // Sent while there is no primary: queued until the client has found the new one.
  const during = client.set('during', '1');
  const promoted = await topology.waitForFailover();
  const failover = Date.now() - started;
  assert.deepEqual(promoted, topology.replica);

  // Within 15 s of the kill the client writes and reads again, on the promoted replica.
  const again = (async () => {
    assert.equal(await during, 'OK');
    await client.set('after', '2');
    return client.get('after');
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('no write within 15 s of the kill')), 15_000 - failover);
  });
  try {
    assert.equal(await Promise.race([again, late]), '2');
  } finally {
    clearTimeout(timer);
  }
  const writing = Date.now() - started;
  assert.equal(await client.get('before'), '1', 'the replica had the key written before the kill');
  const info = String(await client.info());
  assert.match(info, /^role:master$/m);
  assert.ok(String(info).split(/\r?\n/).includes(`tcp_port:${topology.replica.port}`), String(info));
  t.diagnostic(`failover ${failover} ms; the client wrote again ${writing} ms after the kill`);
  t.diagnostic(`client errors meanwhile: ${[...errors].join('; ') || 'none'}`);
});

test('Sentinel with a password: the data nodes want it, the sentinel hands out the primary without it', async (t) => {
  const password = 'sentinel-secret';
  const topology = await startSentinel({ password });
  const client = new Redis({ sentinels: [topology.sentinel], name: topology.name, password });
  t.after(async () => {
    client.disconnect();
    await topology.stop();
  });
  const anonymous = new Redis({ ...topology.primary, lazyConnect: true });
  anonymous.on('error', () => undefined); // its HELLO is refused (NOAUTH) too, reported as an error event
  try {
    await assert.rejects(anonymous.set('k', 'v'), /NOAUTH/);
  } finally {
    anonymous.disconnect();
  }
  await client.set('k', 'v');
  assert.equal(await client.get('k'), 'v');
});
