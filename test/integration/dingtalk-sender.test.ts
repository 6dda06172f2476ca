import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApprovalCard } from '../../src/approval/card.js';
import type { DeliveryFailure } from '../../src/chat/adapter.js';
import { Bot, type BotDeps, type CommandContext } from '../../src/chat/bot.js';
import { createDingTalk } from '../../src/chat/dingtalk/app.js';
import { processMemory } from '../../src/chat/dingtalk/memory.js';
import { DingTalkApi } from '../../src/chat/dingtalk/openapi.js';
import { DingTalkSender } from '../../src/chat/dingtalk/sender.js';
import { SessionWebhooks } from '../../src/chat/dingtalk/session.js';
import { Directory } from '../../src/config/directory.js';
import { readerOf } from '../../src/config/reader.js';
import { render } from '../../src/i18n/index.js';
import { createLogger } from '../../src/log.js';
import { DING_CLIENT_ID, DING_CLIENT_SECRET, FakeDingTalk } from '../fakes/dingtalk.js';
import { until } from '../support/harness.js';

const directory = Directory.load('test/fixtures/directory.yaml', ['slack', 'dingtalk']);
const log = createLogger('silent');

describe('DingTalk OpenAPI and sending, against the fake', () => {
  const fake = new FakeDingTalk();
  let api: DingTalkApi;
  before(async () => {
    await fake.start();
    api = new DingTalkApi({
      apiUrl: fake.base,
      clientId: DING_CLIENT_ID,
      clientSecret: DING_CLIENT_SECRET,
      robotCode: DING_CLIENT_ID,
    });
  });
  after(() => fake.stop());

  const sender = (failures: DeliveryFailure[], extra: { retryDelaysMs?: number[]; template?: string } = {}) => {
    const memory = processMemory();
    return new DingTalkSender({
      api,
      sessions: new SessionWebhooks(memory),
      memory,
      directory,
      log,
      cardTemplateId: extra.template,
      approvalLink: async (ticketId, approver) => `http://opsgate.test/approve/${ticketId}-${approver}`,
      deliveryFailed: async (f) => {
        failures.push(f);
      },
      retryDelaysMs: extra.retryDelaysMs ?? [50, 50],
    });
  };
  const reminder = (text: string) => ({
    text,
    mentions: ['bob', 'carol'],
    ticket: { id: '7', executionId: 'exec-7' },
  });
  const sentTo = (staff: string) =>
    fake.privateMessages.filter((m) => (m.userIds as string[]).includes(staff) && String(m.msgParam).includes('r-'));

  for (const status of [400, 401] as const) {
    test(`a token DingTalk calls invalid (${status} InvalidAuthentication) is dropped, asked again`, async () => {
      await api.sendGroup('cid-group-1', { msgKey: 'sampleText', param: { content: 'before' } });
      fake.revokeTokens(status);
      const calls = fake.apiCalls.length;
      assert.ok(await api.sendGroup('cid-group-1', { msgKey: 'sampleText', param: { content: 'after' } }));
      const made = fake.apiCalls.slice(calls).map((c) => `${c.status} ${c.path}`);
      assert.deepEqual(made, [
        `${status} /v1.0/robot/groupMessages/send`,
        '200 /v1.0/oauth2/accessToken',
        '200 /v1.0/robot/groupMessages/send',
      ]);
      assert.equal((fake.apiCalls.at(calls)!.body as { msgParam: string }).msgParam, '{"content":"after"}');
    });
  }

  test('a group message to a conversation that is no group of the robot (a 1:1 chat) is refused', async () => {
    await assert.rejects(api.sendGroup('cid-oto-staff-dave', { msgKey: 'sampleText', param: { content: 'x' } }), {
      code: 'invalid.openConversationId',
    });
  });

  test('people DingTalk holds back (flow control) are sent to again later and get the message', async () => {
    const failures: DeliveryFailure[] = [];
    fake.flowControlNext('staff-bob');
    await sender(failures).post('oto:staff-alice', reminder('r-held-once'));
    await until(() => fake.inbox('staff-bob').some((m) => m.param.text === 'r-held-once'), 'bob got it later');
    assert.ok(
      fake.inbox('staff-carol').some((m) => m.param.text === 'r-held-once'),
      'carol got it at once',
    );
    assert.equal(sentTo('staff-carol').filter((m) => String(m.msgParam).includes('r-held-once')).length, 1);
    assert.deepEqual(failures, []);
  });

  test('held back past every retry: recorded on the execution, in English and from the catalogue', async () => {
    const failures: DeliveryFailure[] = [];
    fake.flowControlNext('staff-bob', 5);
    await sender(failures).post('oto:staff-alice', reminder('r-held-always'));
    const f = await until(() => failures[0], 'the failure');
    assert.equal(f.executionId, 'exec-7');
    assert.equal(f.ticketId, '7');
    assert.equal(f.channel, 'DingTalk');
    assert.equal(f.message, 'DingTalk held back the message to bob (too many messages to them), also after 2 retries');
    assert.equal(render(f.text!, 'zh-CN'), '钉钉限制了发给 bob 的消息（发送过于频繁），重试 2 次后仍未送达');
    assert.equal(sentTo('staff-bob').filter((m) => String(m.msgParam).includes('r-held-always')).length, 3);
    fake.flowControlNext('staff-bob', 0);
  });

  test('people DingTalk does not know are recorded at once and not tried again', async () => {
    const failures: DeliveryFailure[] = [];
    fake.removeStaff('staff-carol');
    await sender(failures, { retryDelaysMs: [20] }).post('oto:staff-alice', reminder('r-unknown'));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      failures.map((f) => f.message),
      ['DingTalk does not know carol in this organisation: the message did not reach them'],
    );
    assert.equal(sentTo('staff-carol').filter((m) => String(m.msgParam).includes('r-unknown')).length, 1);
    assert.ok(fake.inbox('staff-bob').some((m) => m.param.text === 'r-unknown'));
  });

  test('a card update tells the people a new level asks, once, and gives them the card 1:1', async () => {
    const card = (pending: string[], tally: string): ApprovalCard => ({
      ticketId: '11',
      executionId: 'exec-11',
      title: 'Approval 11: deploy',
      levels: [],
      comments: [],
      pending,
      approvedBy: [],
      required: 1,
      tally,
      status: 'AUDITING',
      buttons: [],
    });
    const s = sender([], { template: 'tpl' });
    const ref = await s.post('cid-group-1', { text: 'x', card: card(['bob'], 'level 1') });
    const [bob, dave] = [fake.inbox('staff-bob').length, fake.inbox('staff-dave').length];
    await s.update('cid-group-1', ref, { text: 'x', card: card(['dave'], 'level 2') });
    assert.equal(fake.cards.get(ref)!.updates.length, 1);
    assert.match(fake.inbox('staff-dave').slice(dave)[0]!.param.text!, /Approval 11: deploy/);
    assert.ok(
      fake.cardsIn('IM_ROBOT.staff-dave').some(([id]) => id === ref),
      'the card in dave’s 1:1 chat',
    );
    await s.update('cid-group-1', ref, { text: 'x', card: card(['dave'], 'level 2 again') });
    assert.equal(fake.inbox('staff-dave').length, dave + 1, 'told once');
    assert.equal(fake.inbox('staff-bob').length, bob, 'bob was told by the card itself');
  });

  test("the adapter's own words follow the message's language, zh-CN when it names none", async () => {
    const card: ApprovalCard = {
      ticketId: '9',
      title: 'Approval 9: deploy',
      levels: [],
      comments: [],
      pending: ['bob', 'dave'],
      approvedBy: [],
      required: 1,
      tally: '0 of 1 approvals',
      status: 'AUDITING',
      buttons: [],
    };
    const s = sender([]);
    const titles = () => {
      const p = JSON.parse(String(fake.groupMessages.at(-1)!.msgParam)) as Record<string, string>;
      return [p.actionTitle1, p.actionTitle2];
    };
    await s.post('cid-group-1', { text: card.title, card });
    assert.deepEqual(titles(), ['以 bob 身份审批', '以 dave 身份审批']);
    await s.post('cid-group-1', { text: card.title, card, locale: 'en' });
    assert.deepEqual(titles(), ['Review as bob', 'Review as dave']);
  });
});

describe('DingTalk people read zh-CN unless the directory says otherwise', () => {
  const fake = new FakeDingTalk();
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-dingtalk-'));
  const file = join(dir, 'directory.yaml');
  writeFileSync(file, 'users:\n  alice: { dingtalk: staff-alice, locale: en }\n  bob: { dingtalk: staff-bob }\n');
  const people = Directory.load(file, ['dingtalk']);
  const seen: CommandContext[] = [];
  /** The real bot, watched: what the adapter hands it. */
  class WatchedBot extends Bot {
    override async answer(text: string, ctx: CommandContext) {
      seen.push(ctx);
      return super.answer(text, ctx);
    }
  }
  let adapter: ReturnType<typeof createDingTalk>;
  before(async () => {
    await fake.start();
    adapter = createDingTalk(
      {
        clientId: DING_CLIENT_ID,
        clientSecret: DING_CLIENT_SECRET,
        robotCode: DING_CLIENT_ID,
        gatewayUrl: fake.gatewayUrl,
        apiUrl: fake.base,
      },
      { bot: new WatchedBot({} as BotDeps), directory: people, log },
    );
    await adapter.start();
    await fake.waitForConnections(1);
  });
  after(async () => {
    await adapter.stop();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an actor from DingTalk has locale zh-CN; readerOf keeps a directory locale above it', async () => {
    fake.robotMessage({ text: 'help', senderStaffId: 'staff-bob', conversationType: '1' });
    fake.robotMessage({ text: 'help', senderStaffId: 'staff-alice', conversationType: '1' });
    await until(() => seen.length >= 2, 'both commands');
    const defaults = { locale: 'en' as const, timezone: 'UTC' };
    const of = (staff: string) => seen.find((c) => c.actor.id === staff)!;
    assert.equal(of('staff-bob').actor.locale, 'zh-CN');
    assert.equal(of('staff-bob').channel, 'oto:staff-bob');
    assert.equal(readerOf(of('staff-bob').actor.user, defaults, of('staff-bob').actor.locale).locale, 'zh-CN');
    assert.equal(readerOf(of('staff-alice').actor.user, defaults, of('staff-alice').actor.locale).locale, 'en');
  });
});
