import type { ChainableCommander, Redis } from 'ioredis';

type Call = { name: string; args: unknown[] };
type Reply = [Error | null, unknown];

/** Marks a batch, which records its commands (a Proxy) and sends them at exec. */
// i18n-exempt: a symbol's description, seen by no reader
const RECORDER = Symbol('opsgate batch');

/** Whether `p` is a recording batch: a script is queued on it by name (store/scripts.ts). */
export const records = (p: ChainableCommander): boolean => Reflect.get(p, RECORDER) === true;

/**
 * Commands sent together, as a pipeline: on one Redis, sent in turn on the connection (one round trip,
 * in order: execPlain). On a
 * Redis Cluster a pipeline may only hold keys of one node, and opsgate's indexes are keys of their own
 * that spread over the cluster; so the commands are grouped by the slot of their first key, a pipeline
 * per slot (slotOf), and the replies put back in the order the commands were queued.
 *
 * `ordered`: the groups run one after another, in the order their first commands were queued (a read
 * queued after writes sees them, as in one pipeline); otherwise all at once. Nothing is atomic across
 * slots: callers that need it keep their keys under one hash tag and use a script or MULTI.
 */
export function batch(redis: Redis, opts: { ordered?: boolean } = {}): ChainableCommander {
  const calls: Call[] = [];
  const recorder: ChainableCommander = new Proxy({} as ChainableCommander, {
    get(_, name) {
      if (name === 'exec')
        return () => (redis.isCluster ? execGrouped(redis, calls, !!opts.ordered) : execPlain(redis, calls));
      if (name === 'length') return calls.length;
      if (name === RECORDER) return true;
      if (name === 'then') return undefined;
      return (...args: unknown[]) => {
        calls.push({ name: String(name), args });
        return recorder;
      };
    },
  });
  return recorder;
}

/**
 * What decides a key's slot, by Redis Cluster's rule: the text of its first non-empty `{...}`, else the
 * whole key. Keys with the same answer share a slot (others may too: a group more, never a wrong one).
 */
export function slotOf(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * On one Redis: the commands sent as they are, one after another on the connection, which writes them
 * together (coalesce.ts) and answers in order: what a pipeline does, without the pipeline, which ioredis
 * builds with a copy of every script defined on the connection.
 */
function execPlain(redis: Redis, calls: Call[]): Promise<Reply[]> {
  const send = redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  return Promise.all(
    calls.map(({ name, args }) =>
      send[name]!.apply(redis, args).then(
        (value): Reply => [null, value],
        (err: Error): Reply => [err, null],
      ),
    ),
  );
}

async function execGrouped(redis: Redis, calls: Call[], ordered: boolean): Promise<Reply[]> {
  const groups = new Map<string, number[]>();
  calls.forEach((c, i) => {
    // A command without a key (PUBLISH's channel is none) may go with any group.
    const key = typeof c.args[0] === 'string' ? c.args[0] : undefined;
    const slot = key === undefined || c.name === 'publish' ? '' : slotOf(key);
    const members = groups.get(slot) ?? [];
    if (!members.length) groups.set(slot, members);
    members.push(i);
  });
  const replies: Reply[] = new Array(calls.length);
  const run = async (indexes: number[]) => {
    const p = redis.pipeline() as unknown as Record<string, (...a: unknown[]) => unknown> & ChainableCommander;
    for (const i of indexes) p[calls[i]!.name]!(...calls[i]!.args);
    const got = (await p.exec()) ?? [];
    indexes.forEach((i, n) => {
      replies[i] = got[n] as Reply;
    });
  };
  if (ordered) for (const indexes of groups.values()) await run(indexes);
  else await Promise.all([...groups.values()].map(run));
  return replies;
}
