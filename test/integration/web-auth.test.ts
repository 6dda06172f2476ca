import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { Target } from '../fakes/target.js';
import { slackDriver } from '../support/chat-drivers.js';
import { consolePost, signIn, startOpsgate, waitingTicket, type Opsgate } from '../support/harness.js';
import { isDevMode } from '../../src/http/auth/access.js';

const TOKENS = {
  alice: 'alice-token-0123456789abcdef',
  bob: 'bob-token-0123456789abcdef',
  carol: 'carol-token-0123456789abcdef',
  dave: 'dave-token-0123456789abcdef',
};
const html = { accept: 'text/html' };

describe('the web side without development mode: sign-in, sessions, CSRF, roles, API tokens', () => {
  let og: Opsgate;
  let slack: FakeSlackApi;
  let target: Target;
  // A copy of the test directory: one test takes a person out of it.
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-web-'));
  const directory = join(dir, 'directory.yaml');
  before(async () => {
    copyFileSync('test/fixtures/directory.yaml', directory);
    slack = await new FakeSlackApi().start();
    target = await new Target().start();
    og = await startOpsgate({
      slackApiUrl: slack.apiUrl,
      env: {
        OPSGATE_API_TOKENS: Object.entries(TOKENS)
          .map(([u, t]) => `${u}:${t}`)
          .join(','),
        OPSGATE_API_RATE_LIMIT: '40',
        OPSGATE_DIRECTORY: directory,
      },
    });
  });
  after(async () => {
    await og.close();
    await slack.stop();
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const nothingButHealth =
    'nothing but health, sign-in and signed links is open: pages redirect to sign-in, the rest answers 401';
  test(nothingButHealth, async () => {
    const page = await fetch(`${og.url}/`, { redirect: 'manual', headers: html });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/login');
    const execPage = await fetch(`${og.url}/executions/exec-0123`, { redirect: 'manual', headers: html });
    assert.equal(execPage.headers.get('location'), `/login?next=${encodeURIComponent('/executions/exec-0123')}`);
    for (const path of ['/console/state', '/console/events', '/admin/queues', '/admin/queues/api/queues']) {
      const r = await fetch(`${og.url}${path}`);
      assert.equal(r.status, 401, path);
      assert.equal(((await r.json()) as { Code: string }).Code, 'InvalidAuthorization');
    }
    const cmd = await fetch(`${og.url}/console/command`, {
      method: 'POST',
      body: JSON.stringify({ user: 'alice', text: 'list' }),
    });
    assert.equal(cmd.status, 401);
    assert.equal((await fetch(`${og.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${og.url}/login`)).status, 200);
  });

  const signInWith =
    'sign in with an API token: an HttpOnly, SameSite cookie; the console acts as that user whatever the body says';
  test(signInWith, async () => {
    const wrong = await fetch(`${og.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=not-a-token-at-all-0000',
    });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /That token is not valid here/);
    const r = await fetch(`${og.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKENS.alice, next: '/executions?status=Waiting' }).toString(),
    });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/executions?status=Waiting');
    const setCookie = r.headers.get('set-cookie')!;
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    assert.doesNotMatch(setCookie, new RegExp(TOKENS.alice), 'the token itself is not the cookie');
    const cookie = setCookie.split(';')[0]!;
    const state = (await (await fetch(`${og.url}/console/state`, { headers: { cookie } })).json()) as {
      me: string;
      dev: boolean;
      users: string[];
      csrf: string;
    };
    assert.equal(state.me, 'alice');
    assert.equal(state.dev, false);
    assert.deepEqual(state.users, [], 'no user picker outside development mode');
    const started = await consolePost(
      og,
      '/console/command',
      { user: 'bob', text: `run two-approvals target=${target.url}` },
      cookie,
    );
    const id = /(exec-[0-9a-f]+)/.exec(((await started.json()) as { reply: string }).reply)![1]!;
    assert.equal((await og.rt.executionStore.get(id)).owner, 'alice', 'the session, not the body, says who acts');
    assert.equal((await fetch(`${og.url}/`, { headers: { cookie } })).status, 200);
  });

  test("a POST without the session's CSRF token, or with another session's, changes nothing", async () => {
    const alice = await signIn(og, TOKENS.alice);
    const bob = await signIn(og, TOKENS.bob);
    const bobsCsrf = (
      (await (await fetch(`${og.url}/console/state`, { headers: { cookie: bob } })).json()) as { csrf: string }
    ).csrf;
    const before = (await og.rt.executionStore.recent(100)).length;
    for (const headers of [
      { cookie: alice },
      { cookie: alice, 'x-csrf-token': bobsCsrf },
      { cookie: alice, 'x-csrf-token': '' },
    ] as Record<string, string>[]) {
      const r = await fetch(`${og.url}/console/command`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ text: `run two-approvals target=${target.url}` }),
      });
      assert.equal(r.status, 403);
      assert.equal(((await r.json()) as { Code: string }).Code, 'InvalidCsrfToken');
    }
    assert.equal((await og.rt.executionStore.recent(100)).length, before);
    const foreign = await fetch(`${og.url}/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${TOKENS.alice}`,
    });
    assert.equal(foreign.status, 403, 'another site cannot sign a browser in');
    assert.equal(foreign.headers.get('set-cookie'), null);
  });

  test('someone taken out of the directory is signed out at their next request', async () => {
    const cookie = await signIn(og, TOKENS.dave);
    assert.equal((await fetch(`${og.url}/console/state`, { headers: { cookie } })).status, 200);
    const before = readFileSync(directory, 'utf8');
    try {
      writeFileSync(directory, before.replace(/^ {2}dave:.*\n/m, '').replace('admins: [dave]', 'admins: []'));
      // a changed mtime even within the same millisecond
      utimesSync(directory, new Date(), new Date(Date.now() + 5000));
      assert.equal((await fetch(`${og.url}/console/state`, { headers: { cookie } })).status, 401);
    } finally {
      writeFileSync(directory, before);
      utimesSync(directory, new Date(), new Date(Date.now() + 10_000));
    }
    assert.equal(
      (await fetch(`${og.url}/console/state`, { headers: { cookie } })).status,
      200,
      'back in, back signed in',
    );
  });

  test("pages read in the signed-in person's directory locale and zone, whatever the browser asks", async () => {
    const cookie = await signIn(og, TOKENS.dave);
    const before = readFileSync(directory, 'utf8');
    try {
      writeFileSync(directory, before.replace(/^( {2}dave: *\{)/m, '$1 locale: zh-CN, timezone: Asia/Shanghai,'));
      utimesSync(directory, new Date(), new Date(Date.now() + 5000));
      const headers = { cookie, accept: 'text/html', 'accept-language': 'en-US' };
      const list = await (await fetch(`${og.url}/executions`, { headers })).text();
      assert.match(list, /<html lang="zh-CN">/);
      assert.match(list, /<h1>执行列表<\/h1>/);
      const console_ = await (await fetch(`${og.url}/`, { headers })).text();
      assert.match(console_, /<html lang="zh-CN">/);
      const state = (await (await fetch(`${og.url}/console/state`, { headers })).json()) as { timeZone: string };
      assert.equal(state.timeZone, 'Asia/Shanghai');
    } finally {
      writeFileSync(directory, before);
      utimesSync(directory, new Date(), new Date(Date.now() + 10_000));
    }
    const back = await (await fetch(`${og.url}/executions`, { headers: { cookie, accept: 'text/html' } })).text();
    assert.match(back, /<html lang="en">/, 'no directory locale: the browser’s, else OPSGATE_LOCALE');
  });

  const failedSignIns =
    'failed sign-ins are limited per address: after 20 in a minute even the right token waits; other addresses do not';
  test(failedSignIns, async () => {
    // From 127.0.0.2, so the other tests' sign-ins (from 127.0.0.1) are neither counted nor held back.
    const post = (token: string) =>
      new Promise<{ status: number; retryAfter?: string }>((resolve, reject) => {
        const u = new URL(`${og.url}/login`);
        const req = httpRequest(
          {
            host: u.hostname,
            port: u.port,
            path: '/login',
            method: 'POST',
            localAddress: '127.0.0.2',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] });
          },
        );
        req.on('error', reject);
        req.end(new URLSearchParams({ token }).toString());
      });
    assert.equal((await post(TOKENS.alice)).status, 303, 'a good sign-in is not counted');
    for (let i = 0; i < 21; i++) assert.equal((await post(`wrong-${i}-0123456789abcdef`)).status, 401);
    const held = await post(TOKENS.alice);
    assert.equal(held.status, 429);
    assert.ok(Number(held.retryAfter) >= 1);
    assert.equal((await signIn(og, TOKENS.alice)).startsWith('opsgate_session='), true, 'another address signs in');
  });

  test('a forged or tampered cookie is nobody; signing out clears the cookie', async () => {
    const cookie = await signIn(og, TOKENS.bob);
    const [body, mac] = cookie.split('=')[1]!.split('.') as [string, string];
    const forgedBody = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), u: 'dave' }),
    ).toString('base64url');
    for (const bad of [`opsgate_session=${forgedBody}.${mac}`, 'opsgate_session=x.y', 'opsgate_session=']) {
      assert.equal((await fetch(`${og.url}/console/state`, { headers: { cookie: bad } })).status, 401, bad);
    }
    const raw = await fetch(`${og.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie,
        'x-csrf-token': (
          (await (await fetch(`${og.url}/console/state`, { headers: { cookie } })).json()) as { csrf: string }
        ).csrf,
      },
    });
    assert.equal(raw.headers.get('location'), '/login');
    assert.match(raw.headers.get('set-cookie')!, /Max-Age=0/);
    assert.equal(
      (await fetch(`${og.url}/console/state`, { headers: { cookie } })).status,
      401,
      'and the session is over (web-hardening.test.ts: copies too)',
    );
  });

  test('`login` in chat answers privately with a one-time link; the link signs in once', async () => {
    const chat = slackDriver(og, slack);
    const answer = await chat.command('carol', 'login');
    const link = /(http:\/\/\S+\/login\/[A-Za-z0-9_-]+)/.exec(answer)?.[1];
    assert.ok(link, answer);
    assert.equal(
      slack.of('chat.postMessage').filter((m) => String(m.text ?? '').includes('/login/')).length,
      0,
      'never posted in the channel',
    );
    const shown = await fetch(link, { headers: html });
    assert.equal(shown.status, 200);
    assert.match(await shown.text(), /Sign in as carol/);
    // Sent to sign in on the way to a page, then signed in by the link in another tab: on to that page.
    const asked = await fetch(`${og.url}/login?next=${encodeURIComponent('/executions?status=Waiting')}`);
    const nextCookie = asked.headers.get('set-cookie')!.split(';')[0]!;
    const used = await fetch(link, { method: 'POST', redirect: 'manual', headers: { cookie: nextCookie } });
    assert.equal(used.status, 303);
    assert.equal(used.headers.get('location'), '/executions?status=Waiting');
    const cookie = used.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal(
      ((await (await fetch(`${og.url}/console/state`, { headers: { cookie } })).json()) as { me: string }).me,
      'carol',
    );
    const again = await fetch(link, { method: 'POST', redirect: 'manual' });
    assert.equal(again.status, 410);
    assert.equal(again.headers.get('set-cookie'), null);
    assert.equal((await fetch(`${og.url}/login/${'A'.repeat(43)}`)).status, 410);
    assert.match(await chat.command('mallory', 'login'), /not in the opsgate directory/);
    for (const evil of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const r = await fetch(`${og.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: TOKENS.carol, next: evil }).toString(),
      });
      assert.equal(r.headers.get('location'), '/', `never sent to ${evil}`);
    }
  });

  test('the queue dashboard (bull-board) is for the directory group admins only', async () => {
    const dave = await signIn(og, TOKENS.dave);
    const alice = await signIn(og, TOKENS.alice);
    const board = await fetch(`${og.url}/admin/queues`, { headers: { cookie: dave } });
    assert.equal(board.status, 200);
    assert.match(await board.text(), /opsgate queues|bull/i);
    const queues = (await (await fetch(`${og.url}/admin/queues/api/queues`, { headers: { cookie: dave } })).json()) as {
      queues: { name: string; readOnlyMode: boolean }[];
    };
    assert.deepEqual(queues.queues.map((q) => q.name).sort(), ['notify', 'steps']);
    assert.ok(queues.queues.every((q) => q.readOnlyMode));
    const refused = await fetch(`${og.url}/admin/queues`, { headers: { cookie: alice } });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { Code: string }).Code, 'Forbidden');
  });

  test('/metrics answers Prometheus with an API token or a session, and 401 to anyone else', async () => {
    const none = await fetch(`${og.url}/metrics`);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.equal(
      (await fetch(`${og.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status,
      401,
    );
    const scraped = await fetch(`${og.url}/metrics`, { headers: { authorization: `Bearer ${TOKENS.dave}` } });
    assert.equal(scraped.status, 200);
    assert.match(await scraped.text(), /^# HELP opsgate_executions /m);
    assert.equal((await fetch(`${og.url}/metrics`, { headers: { cookie: await signIn(og, TOKENS.bob) } })).status, 200);
    assert.equal((await fetch(`${og.url}/readyz`)).status, 200, 'probes stay open: they say nothing but ready or not');
  });

  describe('/api bearer tokens', () => {
    const call = async (action: string, body: unknown, token?: string) => {
      const r = await fetch(`${og.url}/api/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: r.status, headers: r.headers, body: (await r.json()) as Record<string, unknown> };
    };

    test('no token or a wrong one answers 401 in the Alibaba error shape', async () => {
      for (const token of [undefined, 'wrong-token-0123456789abcdef', `${TOKENS.alice}x`]) {
        const r = await call('ListTemplates', {}, token);
        assert.equal(r.status, 401);
        assert.equal(r.body.Code, 'InvalidAuthorization');
        assert.equal(typeof r.body.RequestId, 'string');
        assert.equal(r.headers.get('www-authenticate'), 'Bearer');
      }
      const ok = await call('ListTemplates', {}, TOKENS.alice);
      assert.equal(ok.status, 200);
      assert.equal(
        ok.body.RequestId,
        ok.headers.get('x-request-id'),
        'one id in the answer, its header and its log lines',
      );
    });

    test("a token votes as its own user: alice's token cannot approve as bob, bob's vote counts as bob's", async () => {
      const started = await call(
        'StartExecution',
        { TemplateName: 'two-approvals', Parameters: { target: target.url } },
        TOKENS.alice,
      );
      const id = String((started.body.Execution as { ExecutionId: string }).ExecutionId);
      const ticket = await waitingTicket(og, id);
      const asAlice = await call('ApproveOrder', { WorkflowInstanceId: ticket, ApprovalType: 'AGREE' }, TOKENS.alice);
      assert.equal(asAlice.status, 403, 'alice started it and is no approver');
      assert.equal(asAlice.body.Success, false);
      assert.equal(
        (await call('ApproveOrder', { WorkflowInstanceId: ticket, ApprovalType: 'AGREE', Comment: 'ok' }, TOKENS.bob))
          .status,
        200,
      );
      assert.equal((await og.rt.approvals.get(ticket)).votes.map((v) => v.voter).join(), 'bob');
    });

    test('each token has its own rate limit: over it answers 429 Throttling.User with Retry-After', async () => {
      let last: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 41; i++) last = await call('ListTemplates', {}, TOKENS.carol);
      assert.equal(last!.status, 429);
      assert.equal(last!.body.Code, 'Throttling.User');
      assert.ok(Number(last!.headers.get('retry-after')) >= 1);
      assert.equal((await call('ListTemplates', {}, TOKENS.dave)).status, 200, 'another token is not held back');
    });
  });
});

test('development mode is loopback without API tokens and without a public URL elsewhere', () => {
  const none = new Map<string, string>();
  assert.equal(isDevMode({ apiTokens: none, host: '127.0.0.1' }), true);
  assert.equal(isDevMode({ apiTokens: none, host: '::1', publicUrl: 'http://localhost:3000' }), true);
  assert.equal(isDevMode({ apiTokens: none, host: '0.0.0.0' }), false);
  assert.equal(
    isDevMode({ apiTokens: none, host: '127.0.0.1', publicUrl: 'https://ops.example.com' }),
    false,
    'behind a proxy',
  );
  assert.equal(isDevMode({ apiTokens: new Map([['t', 'alice']]), host: '127.0.0.1' }), false);
});
