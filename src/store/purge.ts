import type { Redis } from 'ioredis';
import { isTerminal } from '../engine/status.js';
import type { Execution } from '../engine/types.js';
import { OpsgateError } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { Keys } from './keys.js';
import { batch } from './batch.js';

/** What of an ended execution lives beside its document: its loops' task runs and its tickets. */
export interface ExecutionParts {
  loopTaskExecutions: string[];
  tickets: string[];
  /** Their votes' members in the audit's index of votes by date. */
  votes: string[];
}

/**
 * Removes an ended execution from Redis: every key under its hash tag (one slot, so one MULTI),
 * then its entries in the shared keys (the ticket index, its parent's children).
 * Refuses an execution that has not ended: its status can only be final once it is (the transition
 * table), so checking the document read a moment before is enough.
 */
export async function purgeExecution(redis: Redis, keys: Keys, exec: Execution, parts: ExecutionParts): Promise<void> {
  if (!isTerminal(exec.status))
    throw new OpsgateError(
      'InternalError',
      msg('store:purgeNotEnded', { id: exec.id, status: msg('common:status', { status: exec.status }) }),
      500,
    );
  const id = exec.id;
  const own = [
    keys.execution(id),
    keys.executionDoc(id),
    keys.taskExecutions(id),
    keys.signals(id),
    keys.children(id),
    keys.triggers(id),
    keys.deliveries(id),
    ...parts.loopTaskExecutions.flatMap((te) => [keys.loop(id, te), keys.loopItems(id, te)]),
    ...parts.tickets.flatMap((t) => [
      keys.ticket(id, t),
      keys.ticketVotes(id, t),
      keys.ticketDoc(id, t),
      keys.ticketLevels(id, t),
    ]),
  ];
  await redis.del(...own);
  // Keys of the whole deployment, each in its own slot on a Cluster: batched, not one transaction.
  const shared = batch(redis);
  if (parts.tickets.length) shared.hdel(keys.ticketIndex, ...parts.tickets);
  for (const t of parts.tickets) shared.hdel(keys.ticketIndexBucket(t), t);
  if (parts.votes.length) shared.zrem(keys.votesByDate, ...parts.votes);
  if (exec.parent) shared.srem(keys.children(exec.parent.executionId), id);
  shared.zrem(keys.executionIndex, id);
  await shared.exec();
}
