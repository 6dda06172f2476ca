import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ended, startOpsgate, until } from '../support/harness.js';

// The samples in runbooks/ check opsgate itself through {{ ACS::OpsgateUrl }}: they work on any PORT,
// and behind PUBLIC_URL, not only on the default 3000.

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

test('hello succeeds against a server on another port', async () => {
  const port = await freePort();
  assert.notEqual(port, 3000);
  const og = await startOpsgate({ env: { OPSGATE_TEMPLATES: 'runbooks', PORT: String(port), HOST: '127.0.0.1' } });
  try {
    const exec = await og.rt.executions.start({ templateName: 'hello', parameters: {}, origin: { platform: 'api' } });
    assert.equal(exec.parameters.url, `http://127.0.0.1:${port}/healthz`);
    const e = await ended(og, exec.id);
    assert.equal(e.status, 'Success', e.statusMessage);
    assert.deepEqual(e.outputs, { status: 'ok' });
  } finally {
    await og.close();
  }
});

test('deploy-with-approval checks the server PUBLIC_URL names before it asks for approval', async () => {
  const port = await freePort();
  const og = await startOpsgate({
    env: { OPSGATE_TEMPLATES: 'runbooks', PORT: String(port), PUBLIC_URL: `http://localhost:${port}/` },
  });
  try {
    const exec = await og.rt.executions.start({
      templateName: 'deploy-with-approval',
      parameters: {},
      owner: 'alice',
      origin: { platform: 'api' },
    });
    assert.equal(exec.parameters.healthUrl, `http://localhost:${port}/healthz`);
    const waiting = await until(async () => {
      const e = await og.rt.executionStore.get(exec.id);
      return e.status !== 'Running' && e.status !== 'Queued' && e;
    }, 'the run to stop at its approval');
    assert.equal(waiting.status, 'Waiting', waiting.statusMessage);
    assert.equal(waiting.tasks.preflight!.status, 'Success');
    assert.deepEqual(waiting.tasks.preflight!.outputs, { status: 'ok' });
    await og.rt.executions.cancel(exec.id);
  } finally {
    await og.close();
  }
});
