import type { Socket } from 'node:net';
import type { Cluster, Redis } from 'ioredis';

const CORKED = Symbol('opsgate.corked'); // i18n-exempt: a symbol's description, read by no one

/**
 * Writes the commands a connection is given in one tick to its socket together: the tick's first
 * command leaves at once, then the socket is corked and uncorked on the next tick (the pattern Node
 * documents for `writable.cork`), so fifty jobs' commands leave in two system calls instead of fifty,
 * and a command sent alone (a vote's) is not held. A worker's CPU
 * went mostly to those calls (a profile: 30% in socket writes). Nothing is reordered: the commands
 * reach the socket, and ioredis's reply queue, in the order they were sent, and leave within the tick.
 * ioredis's own auto-pipelining also saves the calls but queues plain commands apart from explicit
 * pipelines and MULTIs, which reorders them. Applied to every node of a Cluster, and again at every
 * reconnection (each has a socket of its own).
 */
export function coalesceWrites(redis: Redis): Redis {
  const hook = (r: Redis) => {
    r.on('connect', () => corkPerTick(r.stream as Socket | undefined));
    corkPerTick(r.stream as Socket | undefined);
  };
  if (redis.isCluster) (redis as unknown as Cluster).on('+node', hook);
  else hook(redis);
  return redis;
}

function corkPerTick(socket: (Socket & { [CORKED]?: boolean }) | undefined): void {
  if (!socket || socket[CORKED]) return;
  socket[CORKED] = true;
  const write = socket.write;
  // The tick's first write leaves at once (a command sent alone waits for nothing); the ones after it
  // in the same tick are held and leave together when the tick ends.
  let state: 'idle' | 'wrote' | 'corked' = 'idle';
  const endOfTick = () => {
    if (state === 'corked') socket.uncork();
    state = 'idle';
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (state === 'idle') {
      state = 'wrote';
      process.nextTick(endOfTick);
    } else if (state === 'wrote') {
      state = 'corked';
      this.cork();
    }
    return write.apply(this, args);
  } as Socket['write'];
}
