import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Target } from '../fakes/target.js';
import { consolePost, startOpsgate, until, type Opsgate } from '../support/harness.js';

interface Msg {
  id: string;
  text: string;
  thread?: string;
  card?: {
    ticketId: string;
    executionId?: string;
    tally: string;
    pending: string[];
    outcome?: string;
    buttons: unknown[];
  };
}

describe('the web console', () => {
  let og: Opsgate;
  let target: Target;
  before(async () => {
    target = await new Target().start();
    og = await startOpsgate();
  });
  after(async () => {
    await og.close();
    await target.stop();
  });

  const post = async (path: string, body: unknown) => {
    const r = await consolePost(og, path, body);
    return { status: r.status, body: (await r.json()) as { reply?: string | null; Code?: string; Message?: string } };
  };
  const messages = async () =>
    ((await (await fetch(`${og.url}/console/state`)).json()) as { messages: Msg[] }).messages;

  test('serves the page and lists the directory users to act as', async () => {
    const page = await fetch(`${og.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /opsgate console/);
    const state = (await (await fetch(`${og.url}/console/state`)).json()) as { users: string[] };
    assert.deepEqual(state.users, ['alice', 'bob', 'carol', 'dave', 'erin']);
  });

  test('run, approve with the buttons, watch it finish; live events on the stream', async () => {
    const events: Msg[] = [];
    const abort = new AbortController();
    const stream = await fetch(`${og.url}/console/events`, { signal: abort.signal });
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of stream.body!) {
          buf += decoder.decode(chunk as Uint8Array, { stream: true });
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (frame.startsWith('data: ')) events.push(JSON.parse(frame.slice(6)) as Msg);
          }
        }
      } catch {
        /* aborted */
      }
    })();

    const started = await post('/console/command', { user: 'alice', text: `run two-approvals target=${target.url}` });
    const execId = /exec-[0-9a-f]+/.exec(started.body.reply ?? '')![0];
    const card = await until(
      async () => (await messages()).find((m) => m.card && m.text.includes('two-approvals')),
      'the card',
    );
    assert.deepEqual(card.card!.pending, ['bob', 'carol']);
    const ticketId = card.card!.ticketId;

    assert.equal(
      (await post('/console/action', { user: 'alice', action: 'approve', value: ticketId })).body.reply,
      'You started this run, so you cannot approve it.',
    );
    assert.equal((await post('/console/action', { user: 'bob', action: 'approve', value: ticketId })).body.reply, null);
    await until(
      async () => (await messages()).find((m) => m.id === card.id)?.card?.tally === '1 of 2 approvals',
      'tally 1 of 2',
    );
    assert.match(
      (await post('/console/command', { user: 'carol', text: `approve ${ticketId} ship it` })).body.reply!,
      /is approved/,
    );
    await until(
      async () => (await messages()).find((m) => m.id === card.id)?.card?.outcome === 'Approved by bob, carol',
      'decided card',
    );
    await until(async () => (await og.rt.executionStore.get(execId)).status === 'Success', 'Success');

    const thread = (
      await until(async () => {
        const t = (await messages()).filter((m) => m.thread && m.text.includes('is Success'));
        return t.length > 0 && t;
      }, 'the end message')
    )[0]!;
    assert.ok(
      (await messages()).some((m) => m.id === thread.thread && m.text.includes(execId)),
      'progress is threaded under the first message',
    );
    await until(
      () => events.some((e) => e.card?.outcome === 'Approved by bob, carol'),
      'the decided card on the event stream',
    );
    abort.abort();
    await reading;

    const status = await post('/console/command', { user: 'dave', text: `status ${execId}` });
    assert.match(status.body.reply!, /is Success[\s\S]*approve Success[\s\S]*deploy Success/);
    const page = await fetch(`${og.url}/executions/${execId}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /deploy/);
  });

  test("replies follow the browser's language, as the pages do, when the directory gives the person none", async () => {
    const { csrf } = (await (await fetch(`${og.url}/console/state`)).json()) as { csrf: string };
    const ask = async (language?: string) => {
      const r = await fetch(`${og.url}/console/command`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': csrf,
          ...(language ? { 'accept-language': language } : {}),
        },
        body: JSON.stringify({ user: 'dave', text: 'status' }),
      });
      return ((await r.json()) as { reply: string }).reply;
    };
    assert.match(await ask('zh-CN,zh;q=0.9'), /[\u3400-\u9fff]/);
    assert.doesNotMatch(await ask('en-US'), /[\u3400-\u9fff]/);
    assert.doesNotMatch(await ask(), /[\u3400-\u9fff]/);
  });

  test("the page in the reader's language: its words, and its script's strings as JSON", async () => {
    const zh = await (await fetch(`${og.url}/`, { headers: { 'accept-language': 'zh-CN' } })).text();
    assert.match(zh, /<html lang="zh-CN">/);
    assert.match(zh, /<h1 data-i18n="title">opsgate 控制台<\/h1>/);
    assert.match(zh, /placeholder="run 模板名 参数=值 …（试试：help）"/);
    const strings = JSON.parse(/<script type="application\/json" id="strings">([^<]*)<\/script>/.exec(zh)![1]!);
    assert.equal(strings.onlyYou, '（仅你可见）{text}', 'placeholders left for the script to fill');
    assert.equal(strings.reject, '拒绝');
    assert.doesNotMatch(zh, /\{\{/, 'every placeholder of the page filled');
    const en = await (await fetch(`${og.url}/`)).text();
    assert.match(en, /<html lang="en">/);
    assert.match(en, /placeholder="run TEMPLATE key=value … {3}\(try: help\)"/);
    // Development mode: the page acting as someone else gets that person's strings.
    const other = (await (await fetch(`${og.url}/console/strings?user=bob`)).json()) as { locale: string };
    assert.equal(other.locale, 'en');
  });

  test('Reject from the console sends its reason as the comment', async () => {
    const started = await post('/console/command', { user: 'alice', text: `run two-approvals target=${target.url}` });
    const execId = /exec-[0-9a-f]+/.exec(started.body.reply ?? '')![0];
    const card = await until(async () => (await messages()).find((m) => m.card?.executionId === execId), 'the card');
    const r = await post('/console/action', {
      user: 'bob',
      action: 'reject',
      value: card.card!.ticketId,
      comment: 'not during the freeze',
    });
    assert.equal(r.body.reply, null);
    const ticket = await og.rt.approvals.get(card.card!.ticketId);
    assert.deepEqual(
      ticket.votes.map((v) => [v.voter, v.decision, v.comment]),
      [['bob', 'REJECT', 'not during the freeze']],
    );
    const long = await post('/console/action', {
      user: 'carol',
      action: 'reject',
      value: '1',
      comment: 'x'.repeat(1001),
    });
    assert.equal(long.status, 400);
  });

  test('bad input answers with what was wrong and never a stack', async () => {
    const noCsrf = await fetch(`${og.url}/console/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice', text: 'run deploy' }),
    });
    assert.equal(noCsrf.status, 403);
    assert.equal(((await noCsrf.json()) as { Code: string }).Code, 'InvalidCsrfToken');
    const notJson = await consolePost(og, '/console/command', '{oops');
    assert.equal(notJson.status, 400);
    assert.deepEqual(await notJson.json(), { Code: 'InvalidParameter', Message: 'body is not JSON' });
    assert.equal((await post('/console/command', { user: 'alice' })).status, 400);
    assert.match(
      (await post('/console/command', { user: 'alice', text: 'status exec-0000' })).body.reply!,
      /execution exec-0000 does not exist/,
    );
    assert.match(
      (await post('/console/command', { user: 'alice', text: 'run "unclosed' })).body.reply!,
      /unclosed " quote/,
    );
    assert.equal((await fetch(`${og.url}/executions/exec-ffff`)).status, 404);
    assert.equal((await fetch(`${og.url}/nowhere`)).status, 404);
    const health = await fetch(`${og.url}/healthz`);
    assert.equal(health.status, 200);
  });
});
