import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { Target } from '../fakes/target.js';
import { sleep, startOpsgate, until, type Opsgate } from '../support/harness.js';

/** A worker as production runs it: the opsgate CLI in its own process. */
function spawnWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/cli.ts', 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => {
    if (process.env.TEST_LOG_LEVEL) process.stderr.write(d);
  });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));

let og: Opsgate;
let target: Target;
const children: ChildProcess[] = [];
before(async () => {
  target = await new Target().start();
  og = await startOpsgate({ worker: false });
});
after(async () => {
  for (const c of children) {
    c.kill('SIGKILL');
    await exited(c);
  }
  await og.close();
  await target.stop();
});

test('killing the worker while an execution waits for approval loses nothing', async () => {
  const workers = () => og.rt.producer.steps.getWorkers();
  const first = spawnWorker(og.env);
  children.push(first);
  await until(async () => (await workers()).length === 1, 'the first worker', 20_000);

  const exec = await og.rt.executions.start({
    templateName: 'two-approvals',
    parameters: { target: target.url },
    owner: 'alice',
    origin: { platform: 'console', channel: 'console' },
  });
  const waiting = await until(async () => {
    const e = await og.rt.executionStore.get(exec.id);
    return e.status === 'Waiting' && e;
  }, 'Waiting');
  const ticketId = String(waiting.tasks.approve!.data!.ticketId);

  first.kill('SIGKILL');
  await exited(first);
  await until(async () => (await workers()).length === 0, 'the killed worker to be gone');

  // One approval arrives while no worker runs, the other after a new worker started.
  const { directory, approvals } = og.rt;
  assert.equal((await approvals.vote(ticketId, directory.user('bob'), 'AGREE')).outcome, 'recorded');
  const second = spawnWorker(og.env);
  children.push(second);
  await until(async () => (await workers()).length === 1, 'the second worker', 20_000);
  assert.equal((await og.rt.executionStore.get(exec.id)).status, 'Waiting');
  assert.equal((await approvals.vote(ticketId, directory.user('carol'), 'AGREE')).outcome, 'decided');

  const done = await until(
    async () => {
      const e = await og.rt.executionStore.get(exec.id);
      return e.status === 'Success' && e;
    },
    'Success',
    20_000,
  );
  assert.equal(done.tasks.deploy!.status, 'Success');
  await sleep(300);
  assert.equal(target.hits.length, 1, 'the task after the approval ran once');
});
