import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

/** A message of the console channel: what the console adapter posted (M), with where and when. */
export type ConsoleMessage<M extends object = object> = M & {
  id: string;
  channel: string;
  thread?: string;
  date: string;
};

const KEEP = 500;

/**
 * The web console's channel: messages in Redis (so every web process sees the same channel) and
 * a pub/sub channel announcing each new or updated message. The message's shape is the chat layer's (M):
 * store keeps it as it is.
 */
export class ConsoleChannel<M extends object = object> {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async post(channel: string, message: M, thread?: string): Promise<string> {
    const seq = await this.redis.incr(this.keys.consoleSeq);
    const msg: ConsoleMessage<M> = { ...message, id: `m${seq}`, channel, thread, date: new Date().toISOString() };
    await this.redis
      .multi()
      .hset(this.keys.consoleMessages, msg.id, JSON.stringify(msg))
      .zadd(this.keys.consoleOrder, seq, msg.id)
      .exec();
    await this.trim();
    await this.redis.publish(this.keys.consoleEvents, JSON.stringify(msg));
    return msg.id;
  }

  async update(id: string, message: M): Promise<void> {
    const raw = await this.redis.hget(this.keys.consoleMessages, id);
    if (!raw) return;
    const msg: ConsoleMessage<M> = { ...(JSON.parse(raw) as ConsoleMessage<M>), ...message };
    await this.redis.hset(this.keys.consoleMessages, id, JSON.stringify(msg));
    await this.redis.publish(this.keys.consoleEvents, JSON.stringify(msg));
  }

  async recent(count = 200): Promise<ConsoleMessage<M>[]> {
    const ids = await this.redis.zrange(this.keys.consoleOrder, String(-count), '-1');
    if (!ids.length) return [];
    const raws = await this.redis.hmget(this.keys.consoleMessages, ...ids);
    return raws.filter((r): r is string => !!r).map((r) => JSON.parse(r) as ConsoleMessage<M>);
  }

  private async trim(): Promise<void> {
    const order = this.keys.consoleOrder;
    const excess = (await this.redis.zcard(order)) - KEEP;
    if (excess <= 0) return;
    const old = await this.redis.zrange(order, '0', String(excess - 1));
    await this.redis
      .multi()
      .zrem(order, ...old)
      .hdel(this.keys.consoleMessages, ...old)
      .exec();
  }
}
