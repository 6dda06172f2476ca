import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { SlackSender } from '../fakes/slack-client.js';
import { Target } from '../fakes/target.js';
import {
  consolePost,
  signIn,
  SIGNING_SECRET,
  sleep,
  startOpsgate,
  until,
  waitingTicket,
  type Opsgate,
} from '../support/harness.js';
import { createLink } from '../../src/notify/approval-links.js';
import { secretOf } from '../../src/store/secret.js';

const TOKENS = {
  alice: 'alice-token-hardening-0123456789',
  bob: 'bob-token-hardening-0123456789',
  carol: 'carol-token-hardening-0123456789',
  dave: 'dave-token-hardening-0123456789',
};

/** A request from a loopback address of our choosing, so each test's failures are counted apart. */
function from(
  address: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>(
    (resolve, reject) => {
      const u = new URL(url);
      const req = httpRequest(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          method: init.method ?? 'GET',
          localAddress: address,
          headers: init.headers,
        },
        (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (c: string) => {
              text += c;
            })
            .on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
        },
      );
      req.on('error', reject);
      req.end(init.body);
    },
  );
}

/** Failures are counted per minute: start a burst early enough in one that it ends in the same one. */
async function freshMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await sleep(left + 50);
}

describe('web hardening: removed users, sign-out, bearer guessing, Slack replays, CSP', () => {
  let og: Opsgate;
  let slackApi: FakeSlackApi;
  let target: Target;
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-hardening-'));
  const directory = join(dir, 'directory.yaml');
  const api = (token: string, action = 'ListTemplates', address = '127.0.0.1') =>
    from(address, `${og.url}/api/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
  /** Rewrites the directory file, its mtime moved on so the change is seen even within one millisecond. */
  let bump = 0;
  const rewrite = (text: string) => {
    writeFileSync(directory, text);
    bump += 5000;
    utimesSync(directory, new Date(), new Date(Date.now() + bump));
  };

  before(async () => {
    copyFileSync('test/fixtures/directory.yaml', directory);
    slackApi = await new FakeSlackApi().start();
    target = await new Target().start();
    og = await startOpsgate({
      slackApiUrl: slackApi.apiUrl,
      env: {
        OPSGATE_API_TOKENS: Object.entries(TOKENS)
          .map(([u, t]) => `${u}:${t}`)
          .join(','),
        OPSGATE_DIRECTORY: directory,
      },
    });
  });
  after(async () => {
    await og.close();
    await slackApi.stop();
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('someone taken out of the directory loses their API token and their sessions at once', async () => {
    const cookie = await signIn(og, TOKENS.dave);
    assert.equal((await api(TOKENS.dave)).status, 200);
    assert.equal(
      (await from('127.0.0.1', `${og.url}/metrics`, { headers: { authorization: `Bearer ${TOKENS.dave}` } })).status,
      200,
    );
    const before = readFileSync(directory, 'utf8');
    try {
      rewrite(before.replace(/^ {2}dave:.*\n/m, '').replace('admins: [dave]', 'admins: []'));
      const r = await api(TOKENS.dave);
      assert.equal(r.status, 401, 'the token of someone no longer in the directory');
      assert.equal((JSON.parse(r.text) as { Code: string }).Code, 'InvalidAuthorization');
      assert.equal(
        (await from('127.0.0.1', `${og.url}/metrics`, { headers: { authorization: `Bearer ${TOKENS.dave}` } })).status,
        401,
        '/metrics too',
      );
      assert.equal((await fetch(`${og.url}/console/state`, { headers: { cookie } })).status, 401, 'and the session');
      assert.equal((await api(TOKENS.alice)).status, 200, 'the others keep theirs');
    } finally {
      rewrite(before);
    }
    assert.equal((await api(TOKENS.dave)).status, 200, 'back in the directory, the token works again');
  });

  test('after sign-out a copy of the session cookie is nobody', async () => {
    const cookie = await signIn(og, TOKENS.bob);
    const { csrf } = (await (await fetch(`${og.url}/console/state`, { headers: { cookie } })).json()) as {
      csrf: string;
    };
    const other = await signIn(og, TOKENS.bob);
    const out = await fetch(`${og.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    assert.equal(out.status, 303);
    assert.equal(
      (await fetch(`${og.url}/console/state`, { headers: { cookie } })).status,
      401,
      'the copy no longer works',
    );
    const page = await fetch(`${og.url}/executions`, { redirect: 'manual', headers: { cookie, accept: 'text/html' } });
    assert.equal(page.status, 303, 'pages send it to sign-in');
    assert.equal((await consolePost(og, '/console/command', { text: 'list' }, cookie)).status, 401);
    assert.equal(
      (await fetch(`${og.url}/console/state`, { headers: { cookie: other } })).status,
      200,
      'another session of the same person goes on',
    );
  });

  const wrongBearerTokens =
    'wrong bearer tokens are limited per address: the 21st in a minute answers 429; good tokens are not counted';
  test(wrongBearerTokens, async () => {
    await freshMinute();
    // Good tokens from one address are never counted against it.
    for (let i = 0; i < 25; i++) assert.equal((await api(TOKENS.carol, 'ListTemplates', '127.0.0.4')).status, 200);
    assert.equal((await api('wrong-token-0000000000000000', 'ListTemplates', '127.0.0.4')).status, 401);

    for (let i = 0; i < 20; i++) {
      const r =
        i % 2
          ? await api(`wrong-${i}-0123456789abcdef`, 'ListTemplates', '127.0.0.3')
          : await from('127.0.0.3', `${og.url}/metrics`, {
              headers: { authorization: `Bearer wrong-${i}-0123456789abcdef` },
            });
      assert.equal(r.status, 401, `wrong token ${i + 1}`);
    }
    const held = await api('wrong-21-0123456789abcdef', 'ListTemplates', '127.0.0.3');
    assert.equal(held.status, 429);
    assert.ok(Number(held.headers['retry-after']) >= 1);
    assert.equal((JSON.parse(held.text) as { Code: string }).Code, 'Throttling.User');
    assert.equal(
      (await api(TOKENS.alice, 'ListTemplates', '127.0.0.3')).status,
      429,
      'while held, even a right guess is not told apart',
    );
    assert.equal(
      (await from('127.0.0.3', `${og.url}/metrics`, { headers: { authorization: `Bearer ${TOKENS.alice}` } })).status,
      429,
    );
    assert.equal(
      (await api(TOKENS.alice, 'ListTemplates', '127.0.0.1')).status,
      200,
      'another address is not held back',
    );
  });

  describe('Slack requests replayed within five minutes', () => {
    let slack: SlackSender;
    before(() => {
      slack = new SlackSender(`${og.url}/slack/events`, SIGNING_SECRET, slackApi.base);
    });
    const replies = () => slackApi.of('response_url').map((r) => String(r.text));

    const theSameSigned =
      'the same signed slash command twice starts one run; the same button press twice votes and answers once';
    test(theSameSigned, async () => {
      const runs = async () => (await og.rt.executionStore.recent(1000)).length;
      const before = await runs();
      const body = slack.slashBody('U0001', `run two-approvals target=${target.url}`);
      const headers = slack.sign(body);
      assert.equal((await slack.post(body, headers)).status, 200);
      const started = await until(() => replies().find((t) => t.startsWith('Started two-approvals')), 'the first run');
      const execId = /exec-[0-9a-f]+/.exec(started)![0];
      assert.equal((await slack.post(body, headers)).status, 200, 'the replay is acknowledged');
      await sleep(700);
      assert.equal(await runs(), before + 1, 'one run only');
      assert.equal(replies().filter((t) => t.startsWith('Started two-approvals')).length, 1);

      const ticketId = await waitingTicket(og, execId);
      const message = { channel: 'C0001', ts: '1700000000.000100' };
      const click = slack.buttonBody('U0002', 'approve', ticketId, message);
      const clickHeaders = slack.sign(click);
      assert.equal((await slack.post(click, clickHeaders)).status, 200);
      await until(async () => (await og.rt.tickets.get(ticketId)).approvals === 1, "bob's vote");
      const answered = replies().length;
      assert.equal((await slack.post(click, clickHeaders)).status, 200);
      await sleep(700);
      assert.equal(replies().length, answered, 'the replayed press is not handled again (no "already voted")');
      // The same person pressing again (a new request, newly signed) is still answered.
      await slack.click('U0002', 'approve', ticketId, message);
      await until(() => replies().some((t) => t.includes('already voted')), 'the answer to a real second press');
    });
  });

  describe('Content-Security-Policy: scripts from this site only, never framed', () => {
    const directives = (csp: string | null) =>
      new Map(
        (csp ?? '')
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .filter((d) => d[0])
          .map(([k, ...v]) => [k!, v]),
      );
    // JSON data (the console's strings) is no script: a CSP runs none of it.
    const inline = (html: string) =>
      [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
        .filter((m) => m[2]!.trim() !== '' && !/type="application\/json"/.test(m[1]!))
        .map((m) => m[0].slice(0, 80));
    const handlers = (html: string) => [...html.matchAll(/<[a-z][^>]*?\son[a-z]+\s*=/gi)].map((m) => m[0].slice(0, 80));

    test('/, /executions/{id}, /executions, /login, /login/{token}, /approve/{token}', async () => {
      const cookie = await signIn(og, TOKENS.alice);
      const r = await fetch(`${og.url}/api/StartExecution`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.alice}` },
        body: JSON.stringify({ TemplateName: 'two-approvals', Parameters: { target: target.url } }),
      });
      const execId = ((await r.json()) as { Execution: { ExecutionId: string } }).Execution.ExecutionId;
      const ticketId = await waitingTicket(og, execId);
      const mailLink = createLink(await secretOf(og.rt), {
        ticketId,
        approver: 'bob',
        expiresAt: Date.now() + 3600_000,
      });
      const chatLink = /\/login\/([A-Za-z0-9_-]+)/.exec(
        await (async () => {
          const slack = new SlackSender(`${og.url}/slack/events`, SIGNING_SECRET, slackApi.base);
          await slack.command('U0003', 'login');
          return until(
            () =>
              slackApi
                .of('response_url')
                .map((x) => String(x.text))
                .find((t) => t.includes('/login/')),
            'the login link',
          );
        })(),
      )![1]!;

      const pages: [string, Record<string, string>][] = [
        ['/', { cookie }],
        [`/executions/${execId}`, { cookie }],
        ['/executions', { cookie }],
        ['/login', {}],
        [`/login/${chatLink}`, {}],
        [`/approve/${mailLink}`, {}],
        ['/executions/exec-00', { cookie }],
      ];
      const scripts = new Set<string>();
      for (const [path, headers] of pages) {
        const page = await fetch(`${og.url}${path}`, { headers: { ...headers, accept: 'text/html' } });
        assert.equal(page.status === 200 || path === '/executions/exec-00', true, `${path} answered ${page.status}`);
        const csp = directives(page.headers.get('content-security-policy'));
        const scriptSrc = csp.get('script-src') ?? csp.get('default-src') ?? [];
        assert.deepEqual(scriptSrc, ["'self'"], `${path}: script-src ${scriptSrc.join(' ')}`);
        assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], `${path}: frame-ancestors`);
        assert.equal(page.headers.get('x-frame-options'), 'DENY', `${path}: X-Frame-Options`);
        const html = await page.text();
        assert.deepEqual(inline(html), [], `${path}: inline scripts`);
        assert.deepEqual(handlers(html), [], `${path}: inline event handlers`);
        for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/gi)) scripts.add(m[1]!);
      }
      assert.ok(scripts.size >= 2, `the console's and the execution page's scripts: ${[...scripts].join(', ')}`);
      for (const src of scripts) {
        const js = await fetch(new URL(src, og.url));
        assert.equal(js.status, 200, src);
        assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/, src);
        assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
      }
      assert.equal(
        (await fetch(`${og.url}/assets/..%2fpackage.json`)).status,
        404,
        'only the listed scripts are served',
      );
    });

    test('the queue dashboard keeps its own policy, scripts from this site, never framed', async () => {
      const board = await fetch(`${og.url}/admin/queues`, { headers: { cookie: await signIn(og, TOKENS.dave) } });
      assert.equal(board.status, 200);
      const csp = directives(board.headers.get('content-security-policy'));
      assert.deepEqual(csp.get('script-src') ?? csp.get('default-src'), ["'self'"]);
      assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
      assert.equal(board.headers.get('x-frame-options'), 'DENY');
      assert.deepEqual(
        inline((await board.text()).replace(/<script[^>]*type="application\/json"[^>]*>[\s\S]*?<\/script>/g, '')),
        [],
        'bull-board runs no inline script',
      );
    });
  });
});
