import { randomFillSync } from 'node:crypto';

/**
 * Random ids (exec-..., task-exec-...): 20 hex digits from the system's random source, as randomBytes(10)
 * gives, but drawn from a 4 KiB pool refilled when spent: one call into the random source per 409 ids
 * rather than one each, which showed in a worker's profile.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

export function randomHex20(): string {
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 10;
  return pool.toString('hex', used - 10, used);
}
