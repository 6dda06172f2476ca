import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ExecutionNotFoundError, OpsgateError } from '../errors.js';
import { msg } from '../i18n/index.js';
import { sourcesOf } from '../engine/status.js';
import type { Execution, TaskRecord } from '../engine/types.js';
import { ExecutionIndex } from './execution-index.js';
import { listExecutions, type ListPage, type ListRequest } from './execution-query.js';
import { isPacked, packDoc, unpackDoc } from './doc-codec.js';
import type { Keys } from './keys.js';
import { rested, woken } from './resting-execution.js';
import { runScript } from './scripts.js';

/**
 * Executions in Redis: one hash each (status, runner, doc, thread), saved through the transition
 * table. Every create and save also keeps the indexes (execution-index.ts), so every saver does.
 */
/** The version of a stored document a job read: its SHA-1, as execution-save-3.lua computes it. */
const sha1 = (stored: Buffer) => createHash('sha1').update(stored).digest('hex');

/**
 * A run that will sit in Redis as it is, Waiting for a person, a time or a signal: its document is kept
 * deflated (doc-codec.ts). A running one's is rewritten at every step; an ended one's is written once,
 * but deflating it on the way out took a fifth of a worker's throughput (~40 us of a CPU-bound worker a
 * run), and retention and the archive bound what history keeps.
 */
const atRest = (exec: Execution) => exec.status === 'Waiting';

/** An execution from its stored document: a resting one's messages rendered back (resting-execution.ts). */
function parsed(doc: Buffer): Execution {
  const exec = JSON.parse(unpackDoc(doc)) as Execution;
  return isPacked(doc) ? woken(exec) : exec;
}

export interface SaveOptions {
  /** Let go of it: the job no longer holds it after the save (it waits, or is parked while its loop items run). */
  release?: boolean;
  /** A job's claim: the version it read (`read`); refused when anything saved it since. */
  readAt?: string;
  /** Task executions that ended, kept for ListTaskExecutions in the same script (only when the save holds). */
  records?: { name: string; record: TaskRecord }[];
  /**
   * The first status this save records, when it carries earlier saves that waited (a claim's Running
   * and the run's end, in one write): the stored status must be one that may move to it.
   */
  via?: Execution['status'];
}

/** How long a run may be Running before the status index says so (ExecutionStore.placeStatus). */
export const RUNNING_GRACE_MS = 100;

export class ExecutionStore {
  readonly index: ExecutionIndex;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** An index update that failed after its save (the save stands; the reconcile repairs the index). */
    private readonly indexFailed: (err: Error, executionId: string) => void = () => {},
  ) {
    this.index = new ExecutionIndex(redis, keys);
  }

  /** The keys of execution-save-3.lua: hash, document, task executions (one hash tag). */
  private saveKeys(id: string): [string, string, string] {
    return [this.keys.execution(id), this.keys.executionDoc(id), this.keys.taskExecutions(id)];
  }

  async create(exec: Execution): Promise<void> {
    const [ok] = await runScript<[number, string]>(this.redis, 'execution-save', this.saveKeys(exec.id), [
      exec.status,
      '',
      '',
      JSON.stringify(exec),
      '1',
      '',
      this.keys.executionEvents,
      exec.id,
    ]);
    if (!ok) throw new OpsgateError('InternalError', msg('store:executionExists', { id: exec.id }), 500);
    await this.index.added(exec);
  }

  async get(id: string): Promise<Execution> {
    const exec = await this.find(id);
    if (!exec) throw new ExecutionNotFoundError(id);
    return exec;
  }

  async find(id: string): Promise<Execution | undefined> {
    const doc = await this.redis.getBuffer(this.keys.executionDoc(id));
    return doc ? parsed(doc) : undefined;
  }

  /**
   * The execution and the version a job read it at (the SHA-1 of its document, as Redis computes it):
   * the job's claim (save's `readAt`) is refused once anything else saved it since.
   */
  async read(id: string): Promise<{ execution: Execution; version: string } | undefined> {
    const doc = await this.redis.getBuffer(this.keys.executionDoc(id));
    if (!doc) return undefined;
    return { execution: parsed(doc), version: sha1(doc) };
  }

  /** `read` and the execution's NotifyExecution words, in one round trip (a job's first reads). */
  async readWithSignals(
    id: string,
  ): Promise<{ execution: Execution; version: string; signals: Record<string, unknown> } | undefined> {
    // Sent together, they leave in one write (coalesce.ts) and come back in one round trip; plain
    // commands cost a worker less than a pipeline of two.
    const [doc, words] = await Promise.all([
      this.redis.getBuffer(this.keys.executionDoc(id)),
      this.redis.hgetall(this.keys.signals(id)),
    ]);
    if (!doc) return undefined;
    return {
      execution: parsed(doc),
      version: sha1(doc),
      signals: parsedSignals(words ?? {}),
    };
  }

  /**
   * Saves `exec` if its stored status may change to exec.status and, while Running, only by the job
   * `saver` that holds it ('' for saves that are not a job's). See SaveOptions.
   */
  async save(exec: Execution, saver: string, opts: SaveOptions = {}): Promise<boolean> {
    const { release = false, readAt = '', records = [] } = opts;
    const keep = release || exec.status !== 'Running' ? '' : saver;
    const sits = atRest(exec);
    const [ok, before] = await runScript<[number, string]>(this.redis, 'execution-save', this.saveKeys(exec.id), [
      exec.status,
      sourcesOf(opts.via ?? exec.status).join(','),
      saver,
      packDoc(JSON.stringify(sits ? rested(exec) : exec), sits),
      '0',
      keep,
      this.keys.executionEvents,
      exec.id,
      readAt,
      ...records.flatMap(({ name, record }) => [record.taskExecutionId, JSON.stringify({ ...record, name })]),
    ]);
    if (ok !== 1) return false;
    // The indexes follow the status (and the end, which comes with one): most saves keep it. Not waited
    // for: its pipeline is queued now, so this connection's next command (a list's read) comes after
    // it, while the job goes on a round trip sooner. The save stands whatever happens to the update:
    // a failed one is logged and the reconcile's to repair.
    if (before !== exec.status) this.placeStatus(exec);
    return true;
  }

  /** Running placements not yet made, by execution (see placeStatus). */
  private readonly runningSoon = new Map<string, NodeJS.Timeout>();

  /**
   * Puts the execution in its status index. Running is placed RUNNING_GRACE_MS later, and not at all
   * when the run leaves Running first: most runs of quick tasks go Queued, Running, Success within one
   * job, and the index then moves once. A run shows as Running in lists within that grace; a process
   * that dies meanwhile leaves it listed as it was until the reconcile (or its next status) places it.
   */
  private placeStatus(exec: Execution): void {
    const soon = this.runningSoon.get(exec.id);
    if (soon) {
      clearTimeout(soon);
      this.runningSoon.delete(exec.id);
    }
    const place = () => {
      void this.index.saved(exec, (id) => this.find(id)).catch((err: Error) => this.indexFailed(err, exec.id));
    };
    if (exec.status !== 'Running') {
      place();
      return;
    }
    const timer = setTimeout(() => {
      this.runningSoon.delete(exec.id);
      place();
    }, RUNNING_GRACE_MS);
    timer.unref();
    this.runningSoon.set(exec.id, timer);
  }

  async addChild(parentId: string, childId: string): Promise<void> {
    await this.redis.sadd(this.keys.children(parentId), childId);
  }

  async children(parentId: string): Promise<string[]> {
    return this.redis.smembers(this.keys.children(parentId));
  }

  /** Lets go of an execution held by a job that will not run again; true when it held it. */
  async release(id: string, jobId: string): Promise<boolean> {
    const exec = await this.find(id);
    if (exec?.status !== 'Running') return false;
    return this.save(exec, jobId, { release: true });
  }

  async taskRecords(execId: string): Promise<(TaskRecord & { name: string })[]> {
    return Object.values(await this.redis.hgetall(this.keys.taskExecutions(execId))).map(
      (v) => JSON.parse(v) as TaskRecord & { name: string },
    );
  }

  /** NotifyExecution's word to a waiting task (Approve, ExecuteTask, RetryTask, ...). */
  async signal(execId: string, name: string, value: unknown): Promise<void> {
    await this.redis.hset(this.keys.signals(execId), name, JSON.stringify(value));
  }

  async signals(execId: string): Promise<Record<string, unknown>> {
    return parsedSignals(await this.redis.hgetall(this.keys.signals(execId)));
  }

  async clearSignal(execId: string, name: string): Promise<void> {
    await this.redis.hdel(this.keys.signals(execId), name);
  }

  /**
   * An idempotent start: the first execution started with (user, token) for 25 hours. Returns
   * the execution that holds the token (this one when it claimed it).
   */
  async claimClientToken(user: string, token: string, execId: string): Promise<string> {
    const key = this.keys.clientToken(user, token);
    const set = await this.redis.set(key, execId, 'EX', 25 * 3600, 'NX');
    return set ? execId : ((await this.redis.get(key)) ?? execId);
  }

  async clientTokenOwner(user: string, token: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.clientToken(user, token))) ?? undefined;
  }

  /** TriggerExecution's ClientToken: true the first time for (execution, token), for 25 hours. */
  async claimTriggerToken(execId: string, token: string): Promise<boolean> {
    return (
      (await this.redis.set(this.keys.clientToken(execId, `trigger/${token}`), '1', 'EX', 25 * 3600, 'NX')) === 'OK'
    );
  }

  /** What each firing of a trigger did; the newest first, the last 100 kept. */
  async logTrigger(execId: string, record: object): Promise<void> {
    await this.redis
      .multi()
      .lpush(this.keys.triggers(execId), JSON.stringify(record))
      .ltrim(this.keys.triggers(execId), 0, 99)
      .exec();
  }

  async triggerLog(execId: string): Promise<Record<string, unknown>[]> {
    return (await this.redis.lrange(this.keys.triggers(execId), 0, -1)).map(
      (r) => JSON.parse(r) as Record<string, unknown>,
    );
  }

  /** A notification that could not be delivered: the newest first, the last 20 kept. */
  async logDelivery(execId: string, record: Record<string, unknown>): Promise<void> {
    await this.redis
      .multi()
      .lpush(this.keys.deliveries(execId), JSON.stringify(record))
      .ltrim(this.keys.deliveries(execId), 0, 19)
      .exec();
  }

  async deliveries(execId: string): Promise<Record<string, unknown>[]> {
    return (await this.redis.lrange(this.keys.deliveries(execId), 0, -1)).map(
      (r) => JSON.parse(r) as Record<string, unknown>,
    );
  }

  /** Removes an execution that never started (a lost ClientToken race), then its index entries. */
  async discard(id: string): Promise<void> {
    const exec = await this.find(id);
    await this.redis.del(this.keys.execution(id), this.keys.executionDoc(id));
    if (exec) await this.index.remove(exec);
    else await this.redis.zrem(this.keys.executionIndex, id);
  }

  /** The chat message a run's progress is threaded under, once posted. */
  async setThread(id: string, ref: string): Promise<void> {
    await this.redis.hset(this.keys.execution(id), 'thread', ref);
  }

  async thread(id: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.execution(id), 'thread')) ?? undefined;
  }

  /** The progress line posted in the run's thread, edited as tasks go. */
  async setProgress(id: string, ref: string): Promise<void> {
    await this.redis.hset(this.keys.execution(id), 'progress', ref);
  }

  async progress(id: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.execution(id), 'progress')) ?? undefined;
  }

  async recent(count = 10): Promise<Execution[]> {
    const ids = await this.redis.zrevrange(this.keys.executionIndex, 0, count - 1);
    const all = await Promise.all(ids.map((id) => this.find(id)));
    return all.filter((e): e is Execution => !!e);
  }

  /** A page of executions through the indexes: see execution-query.ts. */
  list(req: ListRequest): Promise<ListPage> {
    return listExecutions(this.redis, this.keys, this.index, (id) => this.find(id), req);
  }
}

const parsedSignals = (all: Record<string, string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(all).map(([k, v]) => [k, JSON.parse(v) as unknown]));
