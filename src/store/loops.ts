import type { Redis } from 'ioredis';
import type { LoopState } from '../engine/loop.js';
import type { ItemRecord } from '../engine/loop-task.js';
import { OpsgateError } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { Keys } from './keys.js';
import { runScript } from './scripts.js';

export interface LoopDoc {
  state: LoopState;
  items: unknown[];
  taskName: string;
}

/**
 * A loop task's state and its items' records, beside the execution. The state changes by
 * compare-and-set: items end concurrently, each advances it once.
 */
export class LoopStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async create(execId: string, te: string, doc: LoopDoc): Promise<boolean> {
    return (await runScript<number>(this.redis, 'cas', [this.keys.loop(execId, te)], ['0', JSON.stringify(doc)])) === 1;
  }

  async get(execId: string, te: string): Promise<LoopDoc | undefined> {
    const raw = await this.redis.hget(this.keys.loop(execId, te), 'value');
    return raw ? (JSON.parse(raw) as LoopDoc) : undefined;
  }

  /** Applies `change` to the current state, retrying when another item's end wrote first. */
  async update<T>(execId: string, te: string, change: (doc: LoopDoc) => { doc: LoopDoc; result: T }): Promise<T> {
    const key = this.keys.loop(execId, te);
    for (let attempt = 0; attempt < 1000; attempt++) {
      const [v, raw] = await this.redis.hmget(key, 'v', 'value');
      if (!raw) throw new OpsgateError('InternalError', msg('store:loopMissing', { task: te, id: execId }), 500);
      const { doc, result } = change(JSON.parse(raw) as LoopDoc);
      if ((await runScript<number>(this.redis, 'cas', [key], [v ?? '0', JSON.stringify(doc)])) === 1) return result;
    }
    throw new OpsgateError('InternalError', msg('store:loopContention', { task: te, id: execId }), 500);
  }

  async item(execId: string, te: string, index: number): Promise<ItemRecord | undefined> {
    const raw = await this.redis.hget(this.keys.loopItems(execId, te), String(index));
    return raw ? (JSON.parse(raw) as ItemRecord) : undefined;
  }

  /** Keeps an item's record and tells the execution's watchers (its page), in one round trip. */
  async putItem(execId: string, te: string, rec: ItemRecord): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.loopItems(execId, te), String(rec.index), JSON.stringify(rec))
      .publish(this.keys.executionEvents, execId)
      .exec();
  }

  async items(execId: string, te: string): Promise<ItemRecord[]> {
    const all = await this.redis.hgetall(this.keys.loopItems(execId, te));
    return Object.values(all)
      .map((v) => JSON.parse(v) as ItemRecord)
      .sort((a, b) => a.index - b.index);
  }
}
