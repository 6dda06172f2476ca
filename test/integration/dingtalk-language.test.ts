import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeDingTalk } from '../fakes/dingtalk.js';
import { dingtalkEnv, startDingTalkOpsgate } from '../support/dingtalk-opsgate.js';
import { until } from '../support/harness.js';

type Params = { cardParamMap: Record<string, string> };

const CJK = /[\u3400-\u9fff]/;
// Words of opsgate's English that must not reach a reader of Chinese (ids, names and codes may).
const ENGLISH = /\b(Approval|approvals?|Approve|Reject|Started|started|tasks|waiting|Level|Requested|of)\b/;

/** What a reader sees of a text: without ids, names, URLs and parameter values, which stay as they are. */
const words = (text: string) =>
  text
    .replace(/https?:\/\/\S+/g, '')
    .replace(/exec-[0-9a-f]+|staff-\w+|two-approvals|\b(alice|bob|carol|approve|deploy|target|v1)\b/g, '');

/**
 * DingTalk's people read Simplified Chinese unless the directory names their language: a person with no
 * `locale` (alice here) runs a runbook from a group and everything opsgate says of it is Chinese.
 */
describe('DingTalk in the reader language', () => {
  let fake: FakeDingTalk;
  let opsgate: Awaited<ReturnType<typeof startDingTalkOpsgate>>;
  before(async () => {
    fake = await new FakeDingTalk().start();
    opsgate = await startDingTalkOpsgate(fake, {
      ...dingtalkEnv(fake),
      OPSGATE_DIRECTORY: 'test/fixtures/directory.yaml',
    });
  });
  after(async () => {
    await opsgate.close();
    await fake.stop();
  });

  test('a person without a locale: answer, first message, progress and card in Chinese, no English words', async () => {
    const { og, target } = opsgate;
    fake.robotMessage({ text: `@opsgate run two-approvals target=${target.url}`, senderStaffId: 'staff-alice' });
    const execId = await until(
      () => JSON.stringify([fake.sessionMessages, fake.groupMessages]).match(/exec-[0-9a-f]+/)?.[0],
      'the new run',
    );
    const ticket = await until(
      async () => (await og.rt.executionStore.get(execId)).tasks.approve?.data?.ticketId as string | undefined,
      'the ticket',
    );
    const card = await until(
      () => [...fake.cards.values()].find((c) => (c.create.cardData as Params).cardParamMap.ticketId === ticket),
      'the card',
    );
    const said = [
      ...fake.sessionMessages.map((m) => JSON.stringify(m.body)),
      ...fake.groupMessages.map((m) => JSON.stringify(m)),
    ];
    assert.ok(said.length >= 2, 'an answer and the first message');
    for (const text of said) {
      assert.match(text, CJK, text);
      assert.doesNotMatch(words(text), ENGLISH, text);
    }
    const params = (card.create.cardData as Params).cardParamMap;
    for (const key of ['title', 'tally']) {
      assert.match(params[key] ?? '', CJK, `${key}: ${params[key]}`);
      assert.doesNotMatch(words(params[key] ?? ''), ENGLISH, `${key}: ${params[key]}`);
    }
    const before = fake.sessionMessages.length;
    fake.robotMessage({ text: `@opsgate status ${execId}`, senderStaffId: 'staff-alice' });
    const status = await until(
      () => fake.sessionMessages.slice(before).map((m) => JSON.stringify(m.body))[0],
      'the status answer',
    );
    assert.match(status, CJK);
    assert.doesNotMatch(words(status), ENGLISH, status);
  });
});
