import type { Socket } from 'node:net';
import type { Cluster, Redis } from 'ioredis';

const CORKED = Symbol('opsgate.corked'); // i18n-exempt: a symbol's description, read by no one

/**
 * Writes the commands a connection is given in one tick to its socket together: the socket is corked
 * at the tick's first write and uncorked on the next tick (the pattern Node documents for
 * `writable.cork`), so fifty jobs' commands leave in one system call instead of fifty. A worker's CPU
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
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked) {
      corked = true;
      this.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}
