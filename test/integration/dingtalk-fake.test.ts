import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DWClient, TOPIC_CARD, TOPIC_ROBOT } from 'dingtalk-stream';
import { DING_CLIENT_ID, DING_CLIENT_SECRET, FakeDingTalk } from '../fakes/dingtalk.js';

const fake = new FakeDingTalk();

/** The real SDK, with the gateway POST pointed at the fake (PROTOCOLS.md §3.2). */
class C extends DWClient {
  override async getEndpoint(): Promise<this> {
    const r = await fetch(fake.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: this.config.ua,
        subscriptions: this.config.subscriptions,
      }),
    });
    const { endpoint, ticket } = (await r.json()) as { endpoint?: string; ticket?: string };
    if (!endpoint || !ticket) throw new Error('endpoint or ticket is null');
    (this as unknown as { dw_url: string }).dw_url = `${endpoint}?ticket=${ticket}`;
    return this;
  }
}

let client: C;
const received: { topic: string; data: Record<string, unknown> }[] = [];

before(async () => {
  await fake.start();
  client = new C({ clientId: DING_CLIENT_ID, clientSecret: DING_CLIENT_SECRET });
  for (const topic of [TOPIC_ROBOT, TOPIC_CARD]) {
    client.registerCallbackListener(topic, (m) => {
      received.push({ topic, data: JSON.parse(m.data) as Record<string, unknown> });
      client.socketCallBackResponse(m.headers.messageId, {});
    });
  }
  await client.connect();
  await fake.waitForConnections(1);
});

after(async () => {
  client.disconnect();
  await fake.stop();
});

test('the real SDK connects through the gateway, gets a robot message and acks it', async () => {
  assert.equal(fake.gatewayRequests.length, 1);
  const subs = fake.gatewayRequests[0]!.subscriptions as { type: string; topic: string }[];
  assert.ok(subs.some((s) => s.type === 'CALLBACK' && s.topic === TOPIC_ROBOT));

  const id = fake.robotMessage({ text: 'run restart-web', senderStaffId: 'staff-1', senderNick: 'Erin' });
  const ack = await fake.waitForAck(id);
  assert.equal(ack.code, 200);
  assert.deepEqual(JSON.parse(ack.data!), { response: {} });
  const msg = received.find((r) => r.topic === TOPIC_ROBOT)!.data;
  assert.equal((msg.text as { content: string }).content.trim(), 'run restart-web');
  assert.equal(msg.senderStaffId, 'staff-1');

  // The session webhook lands in the fake.
  const r = await fetch(String(msg.sessionWebhook), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msgtype: 'text', text: { content: 'ok' } }),
  });
  assert.deepEqual(await r.json(), { errcode: 0, errmsg: 'ok' });
  assert.equal(fake.sessionMessages.length, 1);
});

test('card clicks are delivered and acked', async () => {
  const id = fake.cardClick({
    outTrackId: 'card-1',
    userId: 'staff-2',
    actionId: 'approve',
    params: { requestId: 'r1' },
  });
  await fake.waitForAck(id);
  const click = received.find((r) => r.topic === TOPIC_CARD)!.data;
  assert.deepEqual(JSON.parse(String(click.value)), {
    cardPrivateData: { actionIds: ['approve'], params: { requestId: 'r1' } },
  });
});

test('OpenAPI: token, card create/update, rate limit', async () => {
  const bad = await fetch(`${fake.base}/v1.0/card/instances`, { method: 'PUT', body: '{}' });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { code: string }).code, 'AuthenticationFailed.MissingParameter');
  const tok = (await (
    await fetch(`${fake.base}/v1.0/oauth2/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appKey: DING_CLIENT_ID, appSecret: DING_CLIENT_SECRET }),
    })
  ).json()) as { accessToken: string };
  const h = { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': tok.accessToken };
  const created = await fetch(`${fake.base}/v1.0/card/instances/createAndDeliver`, {
    method: 'POST',
    headers: h,
    body: JSON.stringify({
      cardTemplateId: 't1',
      outTrackId: 'card-1',
      cardData: { cardParamMap: { status: 'pending' } },
      callbackType: 'STREAM',
      openSpaceId: 'dtv1.card//IM_GROUP.cid-group-1',
      imGroupOpenDeliverModel: { robotCode: DING_CLIENT_ID },
      userIdType: 1,
    }),
  });
  assert.equal(created.status, 200);
  fake.rateLimitNext('/v1.0/card/instances');
  const limited = await fetch(`${fake.base}/v1.0/card/instances`, {
    method: 'PUT',
    headers: h,
    body: JSON.stringify({ outTrackId: 'card-1', cardData: { cardParamMap: { status: 'approved' } } }),
  });
  assert.equal(limited.status, 429);
  const updated = await fetch(`${fake.base}/v1.0/card/instances`, {
    method: 'PUT',
    headers: h,
    body: JSON.stringify({ outTrackId: 'card-1', cardData: { cardParamMap: { status: 'approved' } } }),
  });
  assert.deepEqual(await updated.json(), { success: true });
  assert.equal(fake.cards.get('card-1')!.updates.length, 1);
  const unknown = await fetch(`${fake.base}/v1.0/card/instances`, {
    method: 'PUT',
    headers: h,
    body: JSON.stringify({ outTrackId: 'nope', cardData: { cardParamMap: {} } }),
  });
  assert.equal(unknown.status, 400);
});

test('dropSocket makes the SDK reconnect through a second gateway POST', async () => {
  fake.dropSocket();
  await fake.waitForConnections(2);
  assert.equal(fake.gatewayRequests.length, 2);
  const id = fake.robotMessage({ text: 'again', senderStaffId: 'staff-1' });
  await fake.waitForAck(id);
});
