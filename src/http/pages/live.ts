import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { OpsgateError } from '../../errors.js';
import { msg } from '../../i18n/index.js';

export interface LiveOptions {
  /** The connection to duplicate for the one subscriber, made at the first stream. */
  redis: Redis;
  /** The Pub/Sub channel execution saves and ticket changes publish the execution id on. */
  channel: string;
  keepaliveMs?: number;
  maxStreams?: number;
}

/**
 * Server-sent events per execution: one subscriber connection for the process, its messages fanned
 * out to the streams open for that execution id only. A stream carries no data beyond the fact
 * of a change; the page fetches what it shows, so nothing secret is ever in an event.
 */
export function executionStreams(opts: LiveOptions) {
  const streams = new Map<string, Set<ServerResponse>>();
  let subscriber: Redis | undefined;
  let subscribed: Promise<unknown> | undefined;
  let keepalive: NodeJS.Timeout | undefined;
  let closed = false;
  let open = 0;

  const onMessage = (channel: string, id: string) => {
    if (channel !== opts.channel) return;
    for (const res of streams.get(id) ?? []) sendEvent(res, 'change', id);
  };

  async function subscribe(): Promise<void> {
    if (closed) throw new OpsgateError('ServiceUnavailable', msg('http:shuttingDown'), 503);
    if (!subscriber) {
      subscriber = opts.redis.duplicate();
      subscriber.on('message', onMessage);
      // ioredis reconnects and subscribes again by itself; a first subscribe that fails fails its request.
      subscriber.on('error', () => {});
    }
    subscribed ??= subscriber.subscribe(opts.channel).catch((err: unknown) => {
      subscribed = undefined;
      throw err;
    });
    await subscribed;
  }

  function remove(id: string, res: ServerResponse) {
    const set = streams.get(id);
    if (!set?.delete(res)) return;
    open--;
    if (!set.size) streams.delete(id);
    if (!open && keepalive) {
      clearInterval(keepalive);
      keepalive = undefined;
    }
  }

  return {
    /** Whether another stream may open (false once closed or full). */
    accepting: () => !closed && open < (opts.maxStreams ?? 1000),

    /** Subscribes (once); call before reading the state a stream starts from, so no change falls between.*/
    subscribe,

    /** Starts an event stream on `res` and adds it to those told of `id`'s changes. */
    start(req: IncomingMessage, res: ServerResponse, id: string): void {
      head(res);
      if (closed) {
        res.end();
        return;
      }
      let set = streams.get(id);
      if (!set) {
        set = new Set();
        streams.set(id, set);
      }
      set.add(res);
      open++;
      keepalive ??= setInterval(() => {
        for (const all of streams.values()) for (const r of all) send(r, ': keepalive\n\n');
      }, opts.keepaliveMs ?? 20_000).unref();
      req.on('close', () => remove(id, res));
    },

    /** Ends every open stream and lets go of the subscriber. */
    close(): void {
      closed = true;
      for (const set of streams.values()) for (const res of set) if (!res.writableEnded) res.end();
      streams.clear();
      open = 0;
      if (keepalive) clearInterval(keepalive);
      keepalive = undefined;
      subscriber?.disconnect();
    },
  };
}

export type ExecutionStreams = ReturnType<typeof executionStreams>;

function head(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
}

/** A write to a stream that may have ended meanwhile (closed by close(), or by its client). */
function send(res: ServerResponse, text: string): void {
  if (!res.writableEnded && !res.destroyed) res.write(text);
}

export function sendEvent(res: ServerResponse, event: 'change' | 'end', data: string): void {
  send(res, `event: ${event}\ndata: ${data}\n\n`);
}

/** The whole stream of an execution that ended: it says so and closes, and the page needs no more. */
export function endedStream(res: ServerResponse, status: string): void {
  head(res);
  sendEvent(res, 'end', status);
  res.end();
}
