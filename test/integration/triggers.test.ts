import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Target } from '../fakes/target.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';

const TOKEN = 'trigger-token-0123456789';
const event = (state: string, resourceId = 'i-bp1ecr5go2go') =>
  JSON.stringify({
    eventTime: '20181226T220114.058+0800',
    id: '9435EAD6-3CF6-4494-8F7A-3A77',
    level: 'INFO',
    name: 'Instance:StateChange',
    product: 'ECS',
    regionId: 'cn-hangzhou',
    resourceId: `acs:ecs:cn-hangzhou:1690:instance/${resourceId}`,
    userId: '1690',
    ver: '1.0',
    content: { resourceId, resourceType: 'ALIYUN::ECS::Instance', state },
  });

describe('triggers start child executions', () => {
  let og: Opsgate;
  let target: Target;
  before(async () => {
    target = await new Target().start();
    og = await startOpsgate({
      env: { OPSGATE_TEMPLATES: 'test/fixtures/engine', OPSGATE_API_TOKENS: `alice:${TOKEN}` },
    });
  });
  after(async () => {
    await og.close();
    await target.stop();
  });

  const call = async (action: string, body: unknown) => {
    const r = await fetch(`${og.url}/api/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  const children = (id: string) => og.rt.executionStore.children(id);

  test('ACS::TimerTrigger fires a child execution on its schedule, the parent Waiting in between', async () => {
    const endDate = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const exec = await og.rt.executions.start({
      templateName: 'timer',
      origin: { platform: 'api' },
      parameters: { base: target.base, timerTrigger: { type: 'cron', expression: '* * * * * ?', endDate } },
    });
    await until(async () => (await children(exec.id)).length >= 2, 'two firings', 10_000);
    const parent = await og.rt.executionStore.get(exec.id);
    assert.equal(parent.status, 'Waiting');
    assert.match(parent.statusMessage!, /waiting for the timer/);
    for (const id of (await children(exec.id)).slice(0, 2)) {
      const child = await until(async () => {
        const c = await og.rt.executionStore.get(id);
        return c.status === 'Success' && c;
      }, 'child success');
      assert.deepEqual(Object.keys(child.tasks).sort(), ['tick', 'timer']);
      assert.equal(child.tasks.timer!.action, 'trigger');
    }
    assert.ok(target.hitsTo('/tick').length >= 2);
    await og.rt.executions.cancel(exec.id);
    const fired = (await children(exec.id)).length;
    await new Promise((r) => setTimeout(r, 2500));
    assert.ok((await children(exec.id)).length <= fired + 1, 'a cancelled timer stops firing');
  });

  const triggerExecutionMatching =
    'TriggerExecution: a matching event starts a child with the trigger outputs; others are recorded and ignored';
  test(triggerExecutionMatching, async () => {
    const exec = await og.rt.executions.start({
      templateName: 'on-event',
      parameters: { base: target.base },
      origin: { platform: 'api' },
    });
    await until(async () => (await og.rt.executionStore.get(exec.id)).status === 'Waiting', 'the trigger to wait');
    const ok = await call('TriggerExecution', {
      ExecutionId: exec.id,
      Type: 'Event',
      Content: event('Stopped'),
      ClientToken: 'evt-1',
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(Object.keys(ok.body), ['RequestId']);
    await call('TriggerExecution', {
      ExecutionId: exec.id,
      Type: 'Event',
      Content: event('Stopped'),
      ClientToken: 'evt-1',
    });
    await call('TriggerExecution', { ExecutionId: exec.id, Type: 'Event', Content: event('Running') });
    await until(async () => target.hitsTo('/event/i-bp1ecr5go2go').length === 1, 'the child to react');
    assert.equal((await children(exec.id)).length, 1, 'a repeated ClientToken starts nothing new');
    const log = await og.rt.executionStore.triggerLog(exec.id);
    assert.equal(log[0]!.status, 'Ignored');
    assert.match(String(log[0]!.reason), /state/);
    const wrongType = await call('TriggerExecution', { ExecutionId: exec.id, Type: 'Alarm', Content: '{}' });
    assert.equal(wrongType.status, 400);
    const badBody = await call('TriggerExecution', { ExecutionId: exec.id, Type: 'Event', Content: 'not json' });
    assert.equal(badBody.body.Message, 'Content: must be the message body as JSON text');
    assert.equal((await og.rt.executionStore.get(exec.id)).status, 'Waiting', 'the parent keeps waiting for more');
  });
});
