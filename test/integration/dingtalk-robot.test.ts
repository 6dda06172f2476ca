import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { renderWebhookBody, sendWebhook } from '../../src/notify/webhook.js';
import { FakeDingTalkRobot } from '../fakes/dingtalk-robot.js';

const secret = 'SEC7f0e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa';
const robot = new FakeDingTalkRobot({ accessToken: 'tok-live-123', secret });
const deps = { fetch, now: () => Date.now() };
const text = (content: string) => ({ msgtype: 'text', text: { content } });

before(async () => {
  await robot.start();
});
after(async () => {
  await robot.stop();
});

test('a signed, rendered Approve message is accepted with the template headers', async () => {
  const body = renderWebhookBody(text('approve restart'), {
    link: 'https://opsgate.example/executions/e1',
    mentions: { mobiles: ['13800000000'], userIds: [] },
  });
  const r = await sendWebhook(
    { uri: robot.url, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body, secret },
    deps,
  );
  assert.deepEqual(r, { ok: true });
  const got = robot.messages.at(-1)!;
  assert.equal(got.headers['content-type'], 'application/json; charset=utf-8');
  assert.deepEqual(got.body.at, { atMobiles: ['13800000000'], atUserIds: [], isAtAll: false });
  assert.match(String((got.body.text as { content: string }).content), /executions\/e1\n@13800000000$/);
  assert.ok(got.query.sign && got.query.timestamp);
});

test('unsigned, wrongly signed, stale and wrong-token requests fail without retry', async () => {
  const before = robot.messages.length;
  const unsigned = await sendWebhook({ uri: robot.url, body: text('x') }, deps);
  const wrong = await sendWebhook({ uri: robot.url, body: text('x'), secret: 'SECwrong' }, deps);
  const stale = await sendWebhook(
    { uri: robot.url, body: text('x'), secret },
    { fetch, now: () => Date.now() - 2 * 3600_000 },
  );
  const token = await sendWebhook(
    { uri: robot.url.replace('tok-live-123', 'tok-other'), body: text('x'), secret },
    deps,
  );
  for (const [r, re] of [
    [unsigned, /310000 sign not match/],
    [wrong, /310000 sign not match/],
    [stale, /310000 invalid timestamp/],
    [token, /300001/],
  ] as const) {
    assert.equal(r.ok, false);
    if (r.ok) continue;
    assert.equal(r.retry, false);
    assert.match(r.message, re);
    assert.ok(
      !r.message.includes('tok-live-123') && !r.message.includes(secret) && !r.message.includes('tok-other'),
      r.message,
    );
  }
  assert.equal(robot.messages.length, before);
});

test('failNext and httpStatusNext drive the error paths', async () => {
  robot.failNext(410100, 'send too fast');
  const throttled = await sendWebhook({ uri: robot.url, body: text('x'), secret }, deps);
  assert.deepEqual(throttled.ok ? null : [throttled.retry, /errcode 410100/.test(throttled.message)], [true, true]);
  robot.httpStatusNext(500);
  const down = await sendWebhook({ uri: robot.url, body: text('x'), secret }, deps);
  assert.deepEqual(down.ok ? null : [down.retry, /HTTP 500/.test(down.message)], [true, true]);
  robot.failNext(400001, 'some permanent error');
  const perm = await sendWebhook({ uri: robot.url, body: text('x'), secret }, deps);
  assert.equal(perm.ok ? null : perm.retry, false);
  assert.deepEqual(await sendWebhook({ uri: robot.url, body: text('x'), secret }, deps), { ok: true }, 'one-shot');
});

test('the 21st message within a minute is throttled with 130101 and may be retried', async () => {
  let clock = Date.now();
  const own = await new FakeDingTalkRobot({ now: () => clock }).start();
  try {
    for (let i = 1; i <= 20; i++)
      assert.deepEqual(await sendWebhook({ uri: own.url, body: text(`m${i}`) }, deps), { ok: true }, `message ${i}`);
    const r21 = await sendWebhook({ uri: own.url, body: text('m21') }, deps);
    assert.equal(r21.ok, false);
    if (!r21.ok) {
      assert.equal(r21.retry, true);
      assert.match(r21.message, /errcode 130101 send too fast/);
    }
    assert.equal(own.messages.length, 20);
    clock += 2 * 60_000; // a fresh minute, but DingTalk keeps the robot throttled for 10
    assert.equal((await sendWebhook({ uri: own.url, body: text('m22') }, deps)).ok, false);
    clock += 10 * 60_000;
    assert.deepEqual(await sendWebhook({ uri: own.url, body: text('m23') }, deps), { ok: true });
  } finally {
    await own.stop();
  }
});

test('a closed port is a network error, retried, with the token masked', async () => {
  const gone = await new FakeDingTalkRobot({ accessToken: 'tok-gone-9' }).start();
  const uri = gone.url;
  await gone.stop();
  const r = await sendWebhook({ uri, body: text('x'), secret }, deps);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.retry, true);
    assert.match(r.message, /access_token=\*{6}/);
    assert.ok(!r.message.includes('tok-gone-9') && !r.message.includes(secret), r.message);
  }
});
