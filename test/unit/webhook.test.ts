import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { render } from '../../src/i18n/index.js';
import {
  isDingTalkRobot,
  maskUri,
  renderWebhookBody,
  sendWebhook,
  signDingTalkUri,
  type WebhookResult,
} from '../../src/notify/webhook.js';

const link = 'https://opsgate.example/executions/exec-1';
const mentions = { mobiles: ['13800000000'], userIds: ['manager123'] };
type Body = Record<string, any>;

test('isDingTalkRobot: the robot endpoints and loopback fakes, nothing else', () => {
  assert.equal(isDingTalkRobot('https://oapi.dingtalk.com/robot/send?access_token=x'), true);
  assert.equal(isDingTalkRobot('https://oapi.dingtalk.com/robot/sendBySession?session=s'), true);
  assert.equal(isDingTalkRobot('http://127.0.0.1:4000/robot/send?access_token=x'), true);
  assert.equal(isDingTalkRobot('https://oapi.dingtalk.com/topapi/message'), false);
  assert.equal(isDingTalkRobot('https://hooks.slack.com/services/T/B/X'), false);
  assert.equal(isDingTalkRobot('not a url'), false);
});

test('render: DingTalk text gets the link as plain text and mentions as at + @words', () => {
  const content = { msgtype: 'text', text: { content: 'approve restart' } };
  const out = renderWebhookBody(content, { link, mentions }) as Body;
  assert.equal(out.text.content, `approve restart\n${link}\n@13800000000 @manager123`);
  assert.deepEqual(out.at, { atMobiles: ['13800000000'], atUserIds: ['manager123'], isAtAll: false });
  assert.equal(out.ExecutionLink, undefined);
  assert.deepEqual(content, { msgtype: 'text', text: { content: 'approve restart' } }, 'input untouched');
});

test('render: markdown and actionCard get a markdown link in their text', () => {
  const md = renderWebhookBody(
    { msgtype: 'markdown', markdown: { title: 't', text: '### approve' } },
    { link, mentions },
  ) as Body;
  assert.equal(md.markdown.text, `### approve\n\n[Execution details](${link})\n\n@13800000000 @manager123`);
  assert.equal(md.at.isAtAll, false);
  const card = renderWebhookBody(
    {
      msgtype: 'actionCard',
      actionCard: { title: 't', text: 'approve?', singleTitle: 'Open', singleURL: 'https://x' },
    },
    { link },
  ) as Body;
  assert.equal(card.actionCard.text, `approve?\n\n[Execution details](${link})`);
  assert.equal(card.actionCard.singleURL, 'https://x');
  assert.equal(card.at, undefined, 'no mentions asked for');
});

test('render: link and feedCard have no free text, so the link goes to ExecutionLink', () => {
  const lk = renderWebhookBody(
    { msgtype: 'link', link: { title: 't', text: 'summary', messageUrl: 'https://m' } },
    { link, mentions },
  ) as Body;
  assert.equal(lk.link.text, 'summary');
  assert.equal(lk.ExecutionLink, link);
  assert.deepEqual(lk.at.atMobiles, ['13800000000']);
  const feed = renderWebhookBody({ msgtype: 'feedCard', feedCard: { links: [] } }, { link }) as Body;
  assert.equal(feed.ExecutionLink, link);
});

test("render: a template's own at is kept and no @words are added", () => {
  const content = {
    msgtype: 'text',
    text: { content: 'please approve' },
    at: { atMobiles: ['1390000'], isAtAll: 'false' },
  };
  const out = renderWebhookBody(content, { link, mentions }) as Body;
  assert.deepEqual(out.at, { atMobiles: ['1390000'], isAtAll: 'false' });
  assert.equal(out.text.content, `please approve\n${link}`);
});

test('render: Slack-style top-level text, other bodies, strings', () => {
  const slack = renderWebhookBody({ text: 'approve deploy', blocks: [] }, { link, mentions }) as Body;
  assert.deepEqual(slack, { text: `approve deploy\n${link}`, blocks: [] }, 'no DingTalk at on a Slack body');
  assert.deepEqual(renderWebhookBody({ event: 'approve', id: 7 }, { link }), {
    event: 'approve',
    id: 7,
    ExecutionLink: link,
  });
  assert.deepEqual(renderWebhookBody({ event: 'approve' }, {}), { event: 'approve' });
  assert.deepEqual(renderWebhookBody('{"msgtype":"text","text":{"content":"hi"}}', { link }), {
    msgtype: 'text',
    text: { content: `hi\n${link}` },
  });
  assert.equal(renderWebhookBody('plain words', { link }), 'plain words');
  const empty = renderWebhookBody(
    { msgtype: 'text', text: { content: 'x' } },
    { mentions: { mobiles: [], userIds: [] } },
  ) as Body;
  assert.equal(empty.at, undefined);
});

test('signDingTalkUri: HMAC-SHA256 of "timestamp\\nsecret", base64, URL-encoded; replaces old values', () => {
  const secret = 'SEC0123456789abcdef';
  const ts = 1_700_000_000_000;
  const signed = new URL(
    signDingTalkUri('https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1&sign=old', secret, ts),
  );
  const want = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
  assert.equal(signed.searchParams.get('access_token'), 'abc');
  assert.equal(signed.searchParams.get('timestamp'), String(ts));
  assert.equal(signed.searchParams.getAll('sign').length, 1);
  assert.equal(signed.searchParams.get('sign'), want);
  assert.ok(signed.search.includes(`sign=${encodeURIComponent(want)}`));
});

test('maskUri: credential query values and userinfo passwords', () => {
  assert.equal(
    maskUri('https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1&sign=x%2By'),
    'https://oapi.dingtalk.com/robot/send?access_token=******&timestamp=1&sign=******',
  );
  assert.equal(
    maskUri('https://h/x?Token=a&KEY=b&Secret=c&keep=d'),
    'https://h/x?Token=******&KEY=******&Secret=******&keep=d',
  );
  assert.equal(maskUri('https://user:pw@h/x?monkey=1'), 'https://user:******@h/x?monkey=1');
  assert.equal(maskUri('::bad?access_token=zz'), '::bad?access_token=******');
});

function recordingFetch(answer: () => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return answer();
  }) as typeof fetch;
  return { calls, fn };
}

test('sendWebhook: JSON POST with a default content type and a timeout; Headers win', async () => {
  const f = recordingFetch(() => new Response('ok'));
  const deps = { fetch: f.fn, now: () => 0 };
  assert.deepEqual(await sendWebhook({ uri: 'https://h/hook', body: { a: 1 } }, deps), { ok: true });
  assert.equal(f.calls[0]!.init.method, 'POST');
  assert.deepEqual(f.calls[0]!.init.headers, { 'content-type': 'application/json' });
  assert.equal(f.calls[0]!.init.body, '{"a":1}');
  assert.ok(f.calls[0]!.init.signal instanceof AbortSignal);
  await sendWebhook(
    {
      uri: 'https://h/hook',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Id': '1' },
      body: '{"raw":true}',
    },
    deps,
  );
  assert.deepEqual(f.calls[1]!.init.headers, { 'content-type': 'application/json; charset=utf-8', 'x-id': '1' });
  assert.equal(f.calls[1]!.init.body, '{"raw":true}');
  assert.equal(f.calls.length, 2);
});

test('sendWebhook: signs only DingTalk robot URIs, and only with a secret', async () => {
  const f = recordingFetch(() => Response.json({ errcode: 0, errmsg: 'ok' }));
  const deps = { fetch: f.fn, now: () => 1234 };
  await sendWebhook({ uri: 'https://oapi.dingtalk.com/robot/send?access_token=t', body: {}, secret: 's' }, deps);
  await sendWebhook({ uri: 'https://oapi.dingtalk.com/robot/send?access_token=t', body: {} }, deps);
  await sendWebhook({ uri: 'https://h/hook?x=1', body: {}, secret: 's' }, deps);
  assert.equal(f.calls[0]!.url, signDingTalkUri('https://oapi.dingtalk.com/robot/send?access_token=t', 's', 1234));
  assert.equal(f.calls[1]!.url, 'https://oapi.dingtalk.com/robot/send?access_token=t');
  assert.equal(f.calls[2]!.url, 'https://h/hook?x=1');
});

test('sendWebhook: status and errcode mapping; messages never carry credentials', async () => {
  const uri = 'https://oapi.dingtalk.com/robot/send?access_token=tok-SECRET-1';
  const secret = 'SECabcdef';
  const run = (res: () => Response) =>
    sendWebhook({ uri, body: {}, secret }, { fetch: recordingFetch(res).fn, now: () => 5 });
  const cases: [() => Response, boolean | 'ok'][] = [
    [() => new Response('', { status: 500 }), true],
    [() => new Response('', { status: 429 }), true],
    [() => new Response('', { status: 404 }), false],
    [() => Response.json({ errcode: 310000, errmsg: 'sign not match' }), false],
    [() => Response.json({ errcode: 130101, errmsg: 'send too fast' }), true],
    [() => Response.json({ errcode: 410100, errmsg: 'throttled' }), true],
    [() => Response.json({ errcode: 300001, errmsg: 'token tok-SECRET-1 is not exist' }), false],
    [() => Response.json({ errcode: 0, errmsg: 'ok' }), 'ok'],
  ];
  for (const [res, want] of cases) {
    const r = await run(res);
    if (want === 'ok') {
      assert.deepEqual(r, { ok: true });
      continue;
    }
    assert.equal(r.ok, false);
    if (r.ok) continue;
    assert.equal(r.retry, want, r.message);
    assert.ok(r.message.includes('access_token=******'), r.message);
    assert.ok(!r.message.includes('tok-SECRET-1') && !r.message.includes(secret), r.message);
  }
  const thrown = await sendWebhook(
    { uri, body: {}, secret },
    {
      now: () => 5,
      fetch: (async (u: string) => {
        throw new TypeError(`fetch failed for ${u}`, { cause: new Error(`secret ${secret}`) });
      }) as unknown as typeof fetch,
    },
  );
  assert.equal(thrown.ok, false);
  if (!thrown.ok) {
    assert.equal(thrown.retry, true);
    assert.ok(!/tok-SECRET-1|SECabcdef|sign=[^*]/.test(thrown.message), thrown.message);
  }
  const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
  const slow = await sendWebhook(
    { uri, body: {} },
    {
      now: () => 5,
      fetch: (async () => {
        throw timeout;
      }) as unknown as typeof fetch,
    },
  );
  // A failure's `text` is its catalogue message (a zh-CN reader's status shows it in Chinese).
  const { text: slowText, ...slowEn } = slow as Extract<typeof slow, { ok: false }>;
  assert.deepEqual(slowEn, {
    ok: false,
    retry: true,
    message: 'WebHook https://oapi.dingtalk.com/robot/send?access_token=******: no answer in 10 s',
  });
  assert.equal(
    render(slowText, 'zh-CN'),
    'WebHook https://oapi.dingtalk.com/robot/send?access_token=****** 调用失败：10 秒内无应答',
  );
  const { text: _text, ...notUrl } = (await sendWebhook(
    { uri: 'nope', body: {} },
    { fetch: recordingFetch(() => new Response('')).fn, now: () => 0 },
  )) as Extract<WebhookResult, { ok: false }>;
  assert.deepEqual(notUrl, { ok: false, retry: false, message: 'WebHook nope: URI is not a URL' });
});

test("renderWebhookBody: the execution link's label in the readers' language (default en)", () => {
  const md = { msgtype: 'markdown', markdown: { title: 't', text: 'approve' } };
  assert.equal((renderWebhookBody(md, { link }) as Body).markdown.text, `approve\n\n[Execution details](${link})`);
  assert.equal(
    (renderWebhookBody(md, { link, locale: 'zh-CN' }) as Body).markdown.text,
    `approve\n\n[执行详情](${link})`,
  );
});
