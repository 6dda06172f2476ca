import type { Worker, WorkerListener } from 'bullmq';

/**
 * The step workers of one process, one per shard of the steps queue (OPSGATE_QUEUE_SHARDS), used as
 * one: events of any shard reach the listener, and closing or pausing acts on all of them.
 */
export class ShardWorkers<T> {
  constructor(readonly all: Worker<T>[]) {}

  on<E extends keyof WorkerListener<T>>(event: E, listener: WorkerListener<T>[E]): this {
    for (const w of this.all) w.on(event, listener);
    return this;
  }

  /** The first such event of any shard, once. */
  once<E extends keyof WorkerListener<T>>(event: E, listener: WorkerListener<T>[E]): this {
    let done = false;
    const once = ((...args: Parameters<WorkerListener<T>[E]>) => {
      if (done) return;
      done = true;
      for (const w of this.all) w.off(event, once);
      (listener as (...a: unknown[]) => void)(...args);
    }) as WorkerListener<T>[E];
    return this.on(event, once);
  }

  /** An event as a shard's worker would emit it (tests of what the listeners do). */
  emit<E extends keyof WorkerListener<T>>(event: E, ...args: Parameters<WorkerListener<T>[E]>): void {
    this.all[0]!.emit(event, ...args);
  }

  isRunning(): boolean {
    return this.all.every((w) => w.isRunning());
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(this.all.map((w) => w.waitUntilReady()));
  }

  async pause(): Promise<void> {
    await Promise.all(this.all.map((w) => w.pause()));
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.close()));
  }
}
