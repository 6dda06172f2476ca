import assert from 'node:assert/strict';
import { test } from 'node:test';
import calculateSlot from 'cluster-key-slot';
import { shardIndex } from '../../src/queue/producer.js';
import { keys } from '../../src/store/keys.js';

const SLOTS = 16_384;
const slotOf = (bullPrefix: string) => calculateSlot(`${bullPrefix}:steps:wait`);

// Names that every process derives alike: a change here orphans the jobs of a running deployment.
test('shard queue names are stable: shard 0 is the one queue of before, the others fixed tags', () => {
  const k = keys('a');
  assert.equal(k.shardPrefix(0, 3), k.bullPrefix);
  assert.equal(k.shardPrefix(1, 3), '{a:shard-1.3661}');
  assert.equal(k.shardPrefix(2, 3), '{a:shard-2.210}');
  assert.equal(shardIndex('exec-0123456789abcdef', 3), shardIndex('exec-0123456789abcdef', 3));
});

// Tags named `prefix:shard-n` hashed anywhere: with 3 shards on 3 primaries all landed on one primary
// one time in nine. Evenly spaced slots give each shard a primary where the slot ranges are equal.
test('shard slots are evenly spaced round the ring from shard 0, for any prefix and count', () => {
  for (let i = 0; i < 40; i++) {
    const prefix = `og-${i.toString(36)}-${(i * 7919).toString(16)}`;
    for (const count of [2, 3, 4, 7]) {
      const k = keys(prefix);
      const first = slotOf(k.shardPrefix(0, count));
      for (let n = 1; n < count; n++) {
        const want = (first + Math.round((n * SLOTS) / count)) % SLOTS;
        const d = Math.abs(slotOf(k.shardPrefix(n, count)) - want);
        assert.ok(Math.min(d, SLOTS - d) <= 8, `${prefix} shard ${n}/${count}: ${Math.min(d, SLOTS - d)} slots off`);
      }
    }
  }
});

test('3 shards on the three equal slot ranges redis-cli makes land on at least two primaries, mostly three', () => {
  const primary = (slot: number) => (slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2);
  let three = 0;
  for (let i = 0; i < 200; i++) {
    const k = keys(`p${i}`);
    const used = new Set([0, 1, 2].map((n) => primary(slotOf(k.shardPrefix(n, 3)))));
    assert.ok(used.size >= 2, `p${i}: one primary`);
    if (used.size === 3) three++;
  }
  assert.ok(three >= 195, `three primaries ${three} times in 200`);
});
