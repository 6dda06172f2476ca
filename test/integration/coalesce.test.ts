import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import type { Redis } from 'ioredis';
import { connect, deletePrefix } from '../../src/store/redis.js';
import { REDIS_URL } from '../support/harness.js';

/** The count of the writesDuring under way, read at once. */
const writes = { sync: () => 0 };

/** How many times the socket was written to (each a system call), while `fn` runs. */
async function writesDuring(redis: Redis, fn: () => Promise<unknown>): Promise<number> {
  const socket = redis.stream as Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const [write, writev] = [socket._write, socket._writev];
  let n = 0;
  writes.sync = () => n;
  socket._write = function (...a: unknown[]) {
    n++;
    return write.apply(this, a);
  };
  socket._writev = function (...a: unknown[]) {
    n++;
    return writev.apply(this, a);
  };
  try {
    await fn();
  } finally {
    [socket._write, socket._writev] = [write, writev];
  }
  return n;
}

// A worker's CPU went mostly to socket writes, one a command; the commands sent together now leave in one.
test("a connection's commands sent together leave in one write, in the order they were sent", async () => {
  const redis = connect(REDIS_URL);
  const prefix = `ogt-${randomBytes(5).toString('hex')}`;
  try {
    await redis.ping();
    const k = (i: number) => `${prefix}:${i}`;
    const burst = await writesDuring(redis, async () => {
      const sent: Promise<unknown>[] = [];
      for (let i = 0; i < 50; i++) sent.push(redis.set(k(i), String(i)));
      // A pipeline and a MULTI between plain commands: each must see what was sent before it.
      sent.push(redis.pipeline().incr(k(0)).get(k(0)).exec());
      sent.push(redis.incr(k(0)));
      sent.push(redis.multi().incr(k(0)).get(k(1)).exec());
      sent.push(redis.get(k(0)));
      const replies = await Promise.all(sent);
      assert.deepEqual(replies.slice(50), [
        [
          [null, 1],
          [null, '1'],
        ],
        2,
        [
          [null, 3],
          [null, '1'],
        ],
        '3',
      ]);
    });
    assert.equal(burst, 1, `${burst} writes for 54 commands`);
    // A command sent alone leaves before its sender's next await resumes, not at the end of the tick
    // (a vote's path waits for nothing); held until then, so that what is sent with it goes with it.
    let held = -1;
    let left = -1;
    const alone = await writesDuring(redis, async () => {
      const reply = redis.get(k(5));
      held = writes.sync();
      await null;
      left = writes.sync();
      assert.equal(await reply, '5');
    });
    assert.deepEqual([held, left, alone], [0, 1, 1]);
  } finally {
    await deletePrefix(redis, `${prefix}:*`);
    redis.disconnect();
  }
});
