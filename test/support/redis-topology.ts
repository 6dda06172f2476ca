import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { until } from './harness.js';

/**
 * Real Redis topologies on loopback for the tests: a Redis Cluster and a primary/replica pair behind one
 * Sentinel. Each is made of redis-server child processes this process owns (not daemonized), on ports
 * the OS hands out, with their files in a temp dir; stop() ends them and removes the dir. They never
 * touch 127.0.0.1:6379, which other tests use. redis-server and redis-cli are called by name (PATH).
 */

export interface Address {
  host: string;
  port: number;
}

export interface ClusterTopology {
  nodes: Address[];
  /** 'host:port,host:port,...' */
  nodesEnv: string;
  stop(): Promise<void>;
}

export interface SentinelTopology {
  /** The primary and the replica as started; after a failover the replica is the primary. */
  primary: Address;
  replica: Address;
  sentinel: Address;
  /** 'host:port' */
  sentinelsEnv: string;
  /** The master name the sentinel monitors: 'opsgate'. */
  name: string;
  /** SIGKILLs the process of the node the sentinel currently names as primary. */
  killPrimary(): Promise<void>;
  /** Resolves with the former replica once the sentinel names it and it says role:master. */
  waitForFailover(timeoutMs?: number): Promise<Address>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const NAME = 'opsgate';
const execFileP = promisify(execFile);

/** Every child still running, killed on exit if a test forgot (or failed before) stop(). */
const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let netInstalled = false;
function safetyNet(): void {
  if (netInstalled) return;
  netInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL needs no waiting, rmSync is synchronous.
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Ends one child: SIGTERM, then SIGKILL if it is still there after 3 s. */
async function end(child: ChildProcess): Promise<void> {
  if (running(child)) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  live.delete(child);
}

/** Ports this process handed out already, bus ports included: never handed out twice. */
const handedOut = new Set<number>();
/** Listens on port (0: the OS picks one) and closes again; the port, or undefined if it is taken. */
function listenable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, HOST, () => {
      const got = (server.address() as AddressInfo).port;
      server.close(() => resolve(got));
    });
  });
}
/** A port nobody listens on now (the OS picks it); the cluster bus port, port + 10000, free as well. */
async function freePort(withBus: boolean): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenable(0);
    if (port === undefined) continue;
    // The bus port must exist (≤ 65535: ephemeral ports go up to 60999) and be free.
    if (withBus && (port + 10000 > 65535 || !(await listenable(port + 10000)))) continue;
    // Nodes start in parallel: no port (bus ports included) twice, checked after the last await.
    const ports = withBus ? [port, port + 10000] : [port];
    if (ports.some((p) => handedOut.has(p))) continue;
    for (const p of ports) handedOut.add(p);
    return port;
  }
  throw new Error('no free port (with its cluster bus port) after 50 tries');
}

/** One redis-server child, its output (stdout and stderr, so argument errors too) in <dir>/redis-<port>.log. */
interface Node extends Address {
  child: ChildProcess;
  log: string;
}

function tail(node: Node, lines = 15): string {
  let text: string;
  try {
    text = readFileSync(node.log, 'utf8');
  } catch {
    text = '(no log)';
  }
  const state = running(node.child) ? 'running' : `exited ${node.child.exitCode ?? node.child.signalCode}`;
  return `--- ${node.log} (${state})\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`;
}

/** `until` of the harness; on timeout the error also shows the tails of the nodes' logs. */
async function poll<T>(
  fn: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs: number,
  nodes: Node[],
): Promise<T> {
  try {
    return await until(fn, what, timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${nodes.map((n) => tail(n)).join('\n')}`);
  }
}

/** One command on a fresh connection that gives up at once: the checks poll, so they must not queue or retry. */
async function ask(node: Address, password: string | undefined, command: string, ...args: string[]): Promise<unknown> {
  const client = new Redis({
    host: node.host,
    port: node.port,
    password,
    lazyConnect: true,
    connectTimeout: 1000,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined); // a refused connection also rejects connect(), which poll() reads
  try {
    await client.connect();
    return await client.call(command, ...args);
  } finally {
    // Not after a refused connection (status 'end'): disconnect() would arm a 2 s timer for a socket
    // already closed, which then holds the test process open.
    if (client.status !== 'end') client.disconnect();
  }
}

/** A field of an INFO answer (`name:value` lines), read without a pattern built from the name. */
const field = (info: unknown, name: string) =>
  String(info)
    .split(/\r?\n/)
    .find((line) => line.startsWith(`${name}:`))
    ?.slice(name.length + 1)
    .trim();

/**
 * The processes and temp dir of one topology. start() spawns a node on a free port, retrying on another
 * port when the one picked was taken in between (another process may listen there first); stop() ends all.
 */
class Processes {
  readonly dir = mkdtempSync(join(tmpdir(), 'opsgate-redis-'));
  readonly nodes: Node[] = [];

  constructor() {
    safetyNet();
    dirs.add(this.dir);
  }

  async start(argsFor: (port: number) => string[], opts: { bus?: boolean; password?: string } = {}): Promise<Node> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort(opts.bus ?? false);
      const log = join(this.dir, `redis-${port}.log`);
      const fd = openSync(log, 'a');
      const child = spawn('redis-server', argsFor(port), { cwd: this.dir, stdio: ['ignore', fd, fd] });
      closeSync(fd); // the child has its own copy
      live.add(child);
      child.once('exit', () => live.delete(child));
      // Without redis-server on PATH, spawn emits 'error' (ENOENT): say so instead of timing out.
      let spawnError: Error | undefined;
      child.once('error', (err) => {
        spawnError = err;
      });
      const node: Node = { host: HOST, port, child, log };
      this.nodes.push(node);
      const up = await poll(
        async () => {
          if (spawnError || !running(child)) return 'exited';
          return (await ask(node, opts.password, 'PING')) === 'PONG' && 'up';
        },
        `redis-server on ${port} to answer PING`,
        10_000,
        [node],
      );
      if (spawnError) throw new Error(`cannot run redis-server (is it on PATH?): ${spawnError.message}`);
      if (up === 'up') return node;
      if (attempt < 3 && /Address already in use/.test(tail(node))) continue;
      throw new Error(`redis-server on ${port} exited at start\n${tail(node)}`);
    }
  }

  tails(): string {
    return this.nodes.map((n) => tail(n)).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => end(n.child)));
    rmSync(this.dir, { recursive: true, force: true });
    dirs.delete(this.dir);
  }
}

/** Runs fn with fresh Processes; if it throws, what it started is stopped before the error goes on. */
async function building<T>(fn: (p: Processes) => Promise<T>): Promise<T> {
  const processes = new Processes();
  try {
    return await fn(processes);
  } catch (err) {
    await processes.stop();
    throw err;
  }
}

const authArgs = (password?: string) => (password ? ['--requirepass', password, '--masterauth', password] : []);
// redis-cli reads the password from REDISCLI_AUTH: not in argv (ps shows it), and no "-a is insecure" warning.
const cliEnv = (password?: string) => (password ? { ...process.env, REDISCLI_AUTH: password } : process.env);

/** A Redis Cluster of `masters` (≥ 3, what redis-cli --cluster create accepts) masters, no replicas. */
export function startCluster(opts: { masters?: number; password?: string } = {}): Promise<ClusterTopology> {
  const masters = opts.masters ?? 3;
  const { password } = opts;
  if (masters < 3) return Promise.reject(new Error(`a Redis Cluster needs at least 3 masters, not ${masters}`));
  return building(async (p) => {
    const args = (port: number) => [
      ...['--port', String(port), '--bind', HOST, '--cluster-enabled', 'yes'],
      ...['--cluster-config-file', join(p.dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000'],
      ...['--dir', p.dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
      ...authArgs(password),
    ];
    const nodes = await Promise.all(Array.from({ length: masters }, () => p.start(args, { bus: true, password })));
    const addresses = nodes.map((n) => `${n.host}:${n.port}`);
    try {
      await execFileP('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], {
        env: cliEnv(password),
        timeout: 30_000,
      });
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(
        `redis-cli --cluster create failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}${p.tails()}`,
      );
    }
    // create returns once the slots are assigned; each node says ok only after it has heard of all the others.
    await poll(
      async () => {
        for (const n of nodes) {
          const info = await ask(n, password, 'CLUSTER', 'INFO');
          if (field(info, 'cluster_state') !== 'ok' || field(info, 'cluster_slots_assigned') !== '16384') return false;
        }
        return true;
      },
      'cluster_state:ok and 16384 slots on every node',
      20_000,
      nodes,
    );
    return {
      nodes: nodes.map((n) => ({ host: n.host, port: n.port })),
      nodesEnv: addresses.join(','),
      stop: () => p.stop(),
    };
  });
}

/** A primary, its replica and one Sentinel (quorum 1) that monitors them as 'opsgate'. */
export function startSentinel(opts: { password?: string } = {}): Promise<SentinelTopology> {
  const { password } = opts;
  return building(async (p) => {
    const base = (port: number) => [
      ...['--port', String(port), '--bind', HOST, '--dir', p.dir, '--save', '', '--appendonly', 'no'],
      // The primary otherwise waits 5 s (diskless sync delay) for more replicas before it syncs the first.
      ...['--repl-diskless-sync-delay', '0'],
      ...authArgs(password), // masterauth on the primary too: once failed over and back, it is a replica
    ];
    const primary = await p.start(base, { password });
    const replica = await p.start(
      // The replica announces 127.0.0.1 to the sentinel, which is what clients are then told to connect to.
      (port) => [...base(port), '--replicaof', HOST, String(primary.port), '--replica-announce-ip', HOST],
      { password },
    );
    const sentinel = await p.start((port) => {
      // Sentinel rewrites its config file (state, discovered replicas), so it lives in the temp dir.
      const conf = join(p.dir, `sentinel-${port}.conf`);
      const lines = [
        `port ${port}`,
        `bind ${HOST}`,
        `dir ${p.dir}`,
        // monitor comes first: the other `sentinel ... opsgate` lines need the master to be known.
        `sentinel monitor ${NAME} ${HOST} ${primary.port} 1`,
        `sentinel down-after-milliseconds ${NAME} 1000`,
        `sentinel failover-timeout ${NAME} 5000`,
        `sentinel parallel-syncs ${NAME} 1`,
        ...(password ? [`sentinel auth-pass ${NAME} ${password}`] : []),
      ];
      writeFileSync(conf, `${lines.join('\n')}\n`);
      return [conf, '--sentinel'];
    });
    const masterAddr = async () =>
      (await ask(sentinel, undefined, 'SENTINEL', 'get-master-addr-by-name', NAME)) as [string, string] | null;

    await poll(
      async () => field(await ask(replica, password, 'INFO', 'replication'), 'master_link_status') === 'up',
      `replica ${replica.port} to sync (master_link_status:up)`,
      20_000,
      p.nodes,
    );
    await poll(
      async () => {
        const addr = await masterAddr();
        if (addr?.[1] !== String(primary.port)) return false;
        // Also wait until the sentinel has found the replica (from the primary's INFO) and connected to it
        // (flags just 'slave', not 'slave,disconnected'): killed before that, the primary has no replica
        // the sentinel would promote, and the failover never happens.
        const replicas = (await ask(sentinel, undefined, 'SENTINEL', 'replicas', NAME)) as string[][];
        return replicas.some((r) => r[r.indexOf('flags') + 1] === 'slave');
      },
      `sentinel ${sentinel.port} to name primary ${primary.port} and know its replica`,
      20_000,
      p.nodes,
    );

    const address = (n: Node): Address => ({ host: n.host, port: n.port });
    return {
      primary: address(primary),
      replica: address(replica),
      sentinel: address(sentinel),
      sentinelsEnv: `${sentinel.host}:${sentinel.port}`,
      name: NAME,
      async killPrimary() {
        const addr = await masterAddr();
        const current = p.nodes.find((n) => String(n.port) === addr?.[1] && n !== sentinel);
        if (!current) throw new Error(`the sentinel names ${addr?.join(':')}, not a node of this topology`);
        if (!running(current.child)) return;
        const exited = new Promise((r) => current.child.once('exit', r));
        current.child.kill('SIGKILL');
        await exited;
      },
      async waitForFailover(timeoutMs = 15_000) {
        await poll(
          async () =>
            (await masterAddr())?.[1] === String(replica.port) &&
            field(await ask(replica, password, 'INFO', 'replication'), 'role') === 'master',
          `sentinel to fail over to ${replica.port}`,
          timeoutMs,
          p.nodes,
        );
        return address(replica);
      },
      stop: () => p.stop(),
    };
  });
}
