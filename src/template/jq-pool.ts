import { Worker } from 'node:worker_threads';
import { isMsg, msg, type Msg, t } from '../i18n/index.js';
import type { JqReply, JqRequest } from './jq-thread.js';

/** How the pool bounds a program: time, the thread's JS heap, and the output it may give. */
export interface JqLimits {
  timeoutMs: number;
  memoryMb: number;
  threads: number;
  maxOutput: number;
}

/**
 * A failure of the program's own making (syntax, runtime error, a limit), in words for the caller:
 * jq's own (as jq wrote them), or opsgate's from the catalogue (`text`).
 */
export class JqRunError extends Error {
  readonly text?: Msg;
  constructor(message: string | Msg) {
    super(isMsg(message) ? t('en', message.key, message.values) : message);
    if (isMsg(message)) this.text = message;
  }
}

/** What a thread's failed reply says: jq's own words, or the limit it hit from the catalogue. */
function failure(reply: Extract<JqReply, { ok: false }>): string | Msg {
  if (reply.tooMuchOutput !== undefined) return msg('template:jqTooMuchOutput', { max: String(reply.tooMuchOutput) });
  return reply.outOfMemory ? msg('template:jqOutOfMemory') : reply.message;
}

interface Job {
  req: JqRequest;
  resolve(text: string): void;
  reject(err: Error): void;
}

interface Thread {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
  started: boolean;
  ready: Promise<void>;
}

/**
 * The thread's script. Compiled (dist) it is jq-thread.js; run from sources under tsx (tests,
 * bench) a thread does not inherit tsx's loader, so it registers tsx before importing jq-thread.ts.
 */
function threadScript(): { script: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { script: new URL('./jq-thread.js', import.meta.url), eval: false };
  const tsx = import.meta.resolve('tsx/esm/api');
  const thread = new URL('./jq-thread.ts', import.meta.url).href;
  return {
    // i18n-exempt: JavaScript source the worker thread evaluates
    script: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(thread)}); })`,
    eval: true,
  };
}

/**
 * A few warm worker threads that run jq programs, so a program that never ends or eats memory can
 * be stopped (the thread is terminated and replaced) while the event loop keeps serving.
 * Idle threads are unref'd: an idle pool never keeps the process alive.
 */
export class JqPool {
  private readonly threads: Thread[] = [];
  private readonly queue: Job[] = [];
  private closed = false;
  /** Threads being terminated, and who waits for the last thread of a closed pool to go. */
  private readonly stopping = new Set<Promise<void>>();
  private emptied?: () => void;

  constructor(readonly limits: JqLimits) {}

  run(input: string, program: string): Promise<string> {
    if (this.closed) return Promise.reject(new JqRunError(msg('template:jqPoolClosed')));
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ req: { input, program, maxOutput: this.limits.maxOutput }, resolve, reject });
      this.dispatch();
    });
  }

  /** Starts the threads ahead of the first program (bench, start-up). */
  async warm(): Promise<void> {
    while (this.threads.length < this.limits.threads) this.threads.push(this.spawn());
    await Promise.all(this.threads.map((t) => t.ready));
  }

  /**
   * Takes no more programs; those already given still finish (each within its limit), then every
   * thread stops. So a pool replaced by new limits, or closed by one of several runtimes in a
   * process, fails nobody's program.
   */
  async close(): Promise<void> {
    this.closed = true;
    const empty = new Promise<void>((r) => {
      this.emptied = r;
    });
    this.dispatch();
    await empty;
    await Promise.all(this.stopping);
  }

  private dispatch(): void {
    this.assign();
    if (this.closed && !this.queue.length) {
      for (const t of this.threads.filter((x) => !x.job)) {
        this.threads.splice(this.threads.indexOf(t), 1);
        this.stop(t);
      }
      if (!this.threads.length) this.emptied?.();
    }
    // A thread keeps the process alive while it starts (a few hundred ms) or runs a program; idle, it does not.
    for (const t of this.threads) t.job || !t.started ? t.worker.ref() : t.worker.unref();
  }

  private assign(): void {
    while (this.queue.length) {
      const thread = this.threads.find((t) => t.started && !t.job);
      if (!thread) {
        // A thread still loading jq takes the job once ready; the limit does not count its start.
        if (this.threads.length < this.limits.threads && this.threads.every((t) => t.started))
          this.threads.push(this.spawn());
        return;
      }
      const job = this.queue.shift()!;
      thread.job = job;
      // The limit counts from when a thread takes the program, not while it queues behind others.
      thread.timer = setTimeout(
        () => this.replace(thread, new JqRunError(msg('template:jqTimeout', { ms: String(this.limits.timeoutMs) }))),
        this.limits.timeoutMs,
      );
      thread.worker.postMessage(job.req);
    }
  }

  private spawn(): Thread {
    const { script, eval: isEval } = threadScript();
    const worker = new Worker(script, {
      eval: isEval,
      resourceLimits: {
        maxOldGenerationSizeMb: this.limits.memoryMb,
        maxYoungGenerationSizeMb: Math.min(16, this.limits.memoryMb / 4),
      },
    });
    let ready!: () => void;
    const thread: Thread = {
      worker,
      started: false,
      ready: new Promise<void>((r) => {
        ready = r;
      }),
    };
    worker.on('message', (reply: JqReply | { ready: true }) => {
      if ('ready' in reply) {
        thread.started = true;
        ready();
        return this.dispatch();
      }
      const job = thread.job;
      if (!job) return;
      clearTimeout(thread.timer);
      thread.job = undefined;
      if (reply.ok) job.resolve(reply.text);
      else job.reject(new JqRunError(failure(reply)));
      // An instance that hit the memory cap is replaced rather than trusted again.
      if (!reply.ok && reply.outOfMemory) this.replace(thread);
      else this.dispatch();
    });
    // ERR_WORKER_OUT_OF_MEMORY (the JS heap limit) or any crash of the thread.
    worker.on('error', (err: Error & { code?: string }) => {
      this.replace(
        thread,
        new JqRunError(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? msg('template:jqOutOfMemory')
            : msg('template:jqStoppedBecause', { why: err.message }),
        ),
      );
    });
    worker.on('exit', () => {
      this.replace(thread, new JqRunError(msg('template:jqStoppedUnexpectedly')));
    });
    return thread;
  }

  /** Takes a thread out of the pool, failing its job, and lets the next program start a fresh one. */
  private replace(thread: Thread, err?: Error): void {
    const i = this.threads.indexOf(thread);
    if (i < 0) return;
    this.threads.splice(i, 1);
    this.stop(thread, err);
    if (!this.closed && this.threads.length < this.limits.threads) this.threads.push(this.spawn());
    this.dispatch();
  }

  /** Fails the thread's program, if any, and terminates it. */
  private stop(thread: Thread, err?: Error): void {
    clearTimeout(thread.timer);
    const job = thread.job;
    thread.job = undefined;
    thread.worker.removeAllListeners('exit');
    thread.worker.on('error', () => {});
    if (job) job.reject(err ?? new JqRunError(msg('template:jqStopped')));
    const stopped = thread.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
    this.stopping.add(stopped);
    void stopped.finally(() => this.stopping.delete(stopped));
  }
}
