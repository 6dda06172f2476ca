import type { Redis } from 'ioredis';
import { ExecutionNotFoundError } from '../errors.js';
import { sourcesOf } from '../engine/status.js';
import type { Execution } from '../engine/types.js';
import type { Keys } from './keys.js';
import { runScript } from './scripts.js';

/** Executions in Redis: one hash each (status, runner, doc, thread), saved through the transition table. */
export class ExecutionStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  async create(exec: Execution): Promise<void> {
    const ok = await runScript<number>(this.redis, 'execution-save', [this.keys.execution(exec.id)], [exec.status, '', '', JSON.stringify(exec), '1']);
    if (!ok) throw new Error(`execution ${exec.id} already exists`);
    await this.redis.zadd(this.keys.executionIndex, Date.parse(exec.createDate), exec.id);
  }

  async get(id: string): Promise<Execution> {
    const doc = await this.redis.hget(this.keys.execution(id), 'doc');
    if (!doc) throw new ExecutionNotFoundError(id);
    return JSON.parse(doc) as Execution;
  }

  async find(id: string): Promise<Execution | undefined> {
    const doc = await this.redis.hget(this.keys.execution(id), 'doc');
    return doc ? (JSON.parse(doc) as Execution) : undefined;
  }

  /**
   * Saves `exec` if its stored status may change to exec.status and, while Running, only by the job
   * `runner` that holds it. Returns false when another status or runner won.
   */
  async save(exec: Execution, runner: string): Promise<boolean> {
    const ok = await runScript<number>(this.redis, 'execution-save', [this.keys.execution(exec.id)],
      [exec.status, sourcesOf(exec.status).join(','), runner, JSON.stringify(exec), '0']);
    return ok === 1;
  }

  /** The chat message a run's progress is threaded under, once posted. */
  async setThread(id: string, ref: string): Promise<void> {
    await this.redis.hset(this.keys.execution(id), 'thread', ref);
  }

  async thread(id: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.execution(id), 'thread')) ?? undefined;
  }

  async recent(count = 10): Promise<Execution[]> {
    const ids = await this.redis.zrevrange(this.keys.executionIndex, 0, count - 1);
    const all = await Promise.all(ids.map((id) => this.find(id)));
    return all.filter((e): e is Execution => !!e);
  }
}
