import { spawn, type ChildProcess } from 'node:child_process';

export const exited = (child: ChildProcess) =>
  new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));

/** Worker processes as production runs them (`opsgate worker`), killed and replaced at will. */
export class WorkerPool {
  readonly all: ChildProcess[] = [];
  private readonly ready = new Set<ChildProcess>();
  kills = 0;
  killedBusy = 0;
  /** Error-level log lines of the workers (step jobs that failed for good, and the like). */
  readonly errors: string[] = [];
  /** Workers that ended by themselves (not killed by the test). */
  readonly crashes: string[] = [];

  constructor(private readonly env: Record<string, string>) {}

  spawn(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/cli.ts', 'worker'], {
      env: { ...process.env, ...this.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let rest = '';
    child.stderr!.on('data', (d: Buffer) => {
      if (process.env.TEST_LOG_LEVEL) process.stderr.write(d);
      const lines = (rest + d.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"worker is running"')) this.ready.add(child);
        try {
          const rec = JSON.parse(line) as { level?: number; msg?: string };
          if ((rec.level ?? 0) >= 50) this.errors.push(line);
        } catch {
          if (line.trim()) this.errors.push(line);
        }
      }
    });
    child.once('exit', (code, signal) => {
      this.ready.delete(child);
      if (signal !== 'SIGKILL') this.crashes.push(`pid ${child.pid} exited with ${code ?? signal}: ${rest}`);
    });
    this.all.push(child);
    return child;
  }

  get readyCount() {
    return this.ready.size;
  }

  /** SIGKILLs one worker that is up (a random one) and starts its replacement. */
  async killOne(): Promise<boolean> {
    const up = [...this.ready];
    if (!up.length) return false;
    const victim = up[Math.floor(Math.random() * up.length)]!;
    this.ready.delete(victim);
    victim.kill('SIGKILL');
    await exited(victim);
    this.kills++;
    this.spawn();
    return true;
  }

  async stop(): Promise<void> {
    for (const c of this.all) {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await exited(c);
    }
  }
}
