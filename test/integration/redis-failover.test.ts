import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { Target } from '../fakes/target.js';
import { startOpsgate, until } from '../support/harness.js';
import { startSentinel } from '../support/redis-topology.js';

test('the Sentinel primary killed: waiting runs resume on approval, running ones finish, none twice', async () => {
  const sentinel = await startSentinel();
  const target = await new Target().start();
  const og = await startOpsgate({
    env: {
      REDIS_SENTINELS: sentinel.sentinelsEnv,
      REDIS_SENTINEL_NAME: sentinel.name,
      OPSGATE_TEMPLATES: 'test/fixtures/runbooks:test/fixtures/failover',
    },
  });
  try {
    const { rt } = og;
    const start = (templateName: string, path: string) =>
      rt.executions.start({
        templateName,
        parameters: { target: `${target.base}/${path}` },
        owner: 'alice',
        origin: { platform: 'api' },
      });
    const waiting = await Promise.all(Array.from({ length: 20 }, () => start('two-approvals', 'waited')));
    const tickets = await Promise.all(
      waiting.map((e) =>
        until(
          async () => (await rt.executionStore.get(e.id)).tasks.approve?.data?.ticketId as string | undefined,
          e.id,
        ),
      ),
    );
    const running = await Promise.all(Array.from({ length: 20 }, () => start('slow-call', 'ran')));
    await until(
      async () =>
        (await Promise.all(running.map((e) => rt.executionStore.get(e.id)))).every((e) => e.current === 'first'),
      'the slow runs in their first task',
    );
    // What was written so far is on the replica (WAIT): the test is of failover, not of replication lag.
    const primary = new Redis(sentinel.primary.port, sentinel.primary.host);
    await primary.call('WAIT', '1', '2000');
    primary.disconnect();
    const killedAt = Date.now();
    await sentinel.killPrimary();
    const promoted = await sentinel.waitForFailover(20_000);
    assert.deepEqual(promoted, sentinel.replica);
    const failoverMs = Date.now() - killedAt;

    for (const ticket of tickets)
      for (const who of ['bob', 'carol'])
        await rt.approvals.vote(ticket, rt.directory.user(who), 'AGREE', undefined, 'api');
    for (const e of [...waiting, ...running])
      await until(async () => (await rt.executionStore.get(e.id)).status === 'Success', `${e.id} Success`, 60_000);

    const calls = (path: string) => target.hits.filter((h) => h.path === `/${path}`);
    assert.equal(new Set(calls('waited').map((h) => h.idempotencyKey)).size, 20, 'every approved run deployed once');
    assert.equal(new Set(calls('ran').map((h) => h.idempotencyKey)).size, 20, 'every running run called once');
    assert.equal(calls('waited').length + calls('ran').length, 40, 'no call repeated');
    assert.ok(failoverMs < 20_000, `failover took ${failoverMs} ms`);
  } finally {
    await og.close();
    await target.stop();
    await sentinel.stop();
  }
});
