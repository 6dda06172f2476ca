import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeAlibabaApi } from '../fakes/alibaba-api.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';

let og: Opsgate;
let cloud: FakeAlibabaApi;
before(async () => {
  cloud = await new FakeAlibabaApi().start();
  cloud.settleAfter = 1;
  for (const [id, env] of [
    ['i-1', 'prod'],
    ['i-2', 'prod'],
    ['i-3', 'dev'],
  ])
    cloud.addInstance({ InstanceId: id!, tags: { env: env! } });
  og = await startOpsgate({
    env: {
      OPSGATE_TEMPLATES: 'test/fixtures/engine',
      ALIBABA_CLOUD_ACCESS_KEY_ID: cloud.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: cloud.accessKeySecret,
      ALIBABA_CLOUD_ENDPOINT: cloud.base,
    },
  });
});
after(async () => {
  await og.close();
  await cloud.stop();
});

test('a runbook in the style of the public ECS templates runs against the Alibaba Cloud API to Success', async () => {
  const exec = await og.rt.executions.start({
    templateName: 'ecs-bulky-reboot',
    owner: 'alice',
    origin: { platform: 'api' },
    parameters: { targets: { Type: 'Tags', Tags: [{ Key: 'env', Value: 'prod' }], RegionId: 'cn-hangzhou' } },
  });
  const done = await until(
    async () => {
      const e = await og.rt.executionStore.get(exec.id);
      return ['Success', 'Failed', 'Cancelled'].includes(e.status) && e;
    },
    'the end',
    30_000,
  );
  assert.equal(done.status, 'Success', done.statusMessage);
  assert.deepEqual(done.outputs, { instanceIds: ['i-1', 'i-2'] });
  assert.deepEqual(done.tasks.rebootInstance!.loop, { Total: 2, Success: 2, Failed: 0 });
  const reboots = cloud.calls.filter((c) => c.action === 'RebootInstance');
  assert.deepEqual(reboots.map((c) => c.params.InstanceId).sort(), ['i-1', 'i-2']);
  assert.ok(
    cloud.calls.every((c) => c.signatureOk),
    'every call was signed as Alibaba Cloud signs RPC calls',
  );
  assert.ok(cloud.calls.filter((c) => c.action === 'DescribeInstances').length >= 3, 'WaitFor polled');
});

test('an API error fails the task with the API Code and Message', async () => {
  cloud.failNext('InvalidInstanceId.NotFound', 'The specified InstanceId does not exist.', 404);
  const exec = await og.rt.executions.start({
    templateName: 'ACS::ECS::TestRebootInstance',
    parameters: { instanceId: 'i-404' },
    origin: { platform: 'api' },
  });
  const done = await until(
    async () => {
      const e = await og.rt.executionStore.get(exec.id);
      return ['Success', 'Failed'].includes(e.status) && e;
    },
    'the end',
    15_000,
  );
  assert.equal(done.status, 'Failed');
  assert.match(done.statusMessage!, /InvalidInstanceId\.NotFound: The specified InstanceId does not exist\./);
});
