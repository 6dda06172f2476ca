import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { executionPageRoutes } from '../../src/http/execution-page.js';
import { createHttpServer } from '../../src/http/server.js';
import { msg } from '../../src/i18n/index.js';
import { createLogger } from '../../src/log.js';
import { Target } from '../fakes/target.js';
import { ended, startOpsgate, until, waitingTicket, type Opsgate } from '../support/harness.js';

const TEMPLATES = 'test/fixtures/runbooks:test/fixtures/runbooks/pages';
const SECRET = 'pw-Zq81-never-shown';

interface Stream {
  events: { event: string; data: string }[];
  comments: string[];
  raw: () => string;
  done: Promise<void>;
  abort(): void;
  status: number;
  type: string | null;
}

/** Opens an event stream with fetch and collects its events and comments as they come. */
async function openStream(url: string): Promise<Stream> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  const events: Stream['events'] = [];
  const comments: string[] = [];
  let all = '';
  const done = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return;
        const text = decoder.decode(value, { stream: true });
        all += text;
        buf += text;
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (frame.startsWith(':')) {
            comments.push(frame.slice(1).trim());
            continue;
          }
          const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
          events.push({ event, data: /^data: (.*)$/m.exec(frame)?.[1] ?? '' });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    events,
    comments,
    raw: () => all,
    done,
    abort: () => abort.abort(),
    status: res.status,
    type: res.headers.get('content-type'),
  };
}

describe('execution pages', () => {
  let og: Opsgate;
  let target: Target;
  before(async () => {
    target = await new Target().start();
    og = await startOpsgate({ env: { OPSGATE_TEMPLATES: `${TEMPLATES}:test/fixtures/engine` } });
  });
  after(async () => {
    await og.close();
    await target.stop();
  });

  const start = async (templateName: string, parameters: Record<string, unknown> = {}, owner = 'alice') =>
    (await og.rt.executions.start({ templateName, parameters, owner, origin: { platform: 'api' } })).id;
  const get = async (path: string) => {
    const r = await fetch(`${og.url}${path}`);
    return {
      status: r.status,
      type: r.headers.get('content-type'),
      csp: r.headers.get('content-security-policy'),
      text: await r.text(),
    };
  };
  const vote = (ticketId: string, who: string, comment?: string) =>
    og.rt.approvals.vote(ticketId, og.rt.directory.user(who), 'AGREE', comment);
  /** [task, status] of each SVG row that is a task run (not a loop item). */
  const svgRows = (html: string) =>
    [...html.matchAll(/<g class="row" data-task="([^"]*)" data-status="([^"]*)"/g)].map((m) => [m[1], m[2]]);

  const aRunWaiting =
    'a run waiting for approval: status, who started it, masked parameters, the timeline and the approval levels';
  test(aRunWaiting, async () => {
    const id = await start('page-approval', { dbCredential: SECRET, note: 'go' });
    const ticketId = await waitingTicket(og, id);
    const page = await get(`/executions/${id}`);
    assert.equal(page.status, 200);
    assert.match(page.type!, /^text\/html/);
    assert.match(page.csp!, /script-src 'self';/);
    assert.match(page.text, /<h1>page-approval <small>v1<\/small><\/h1>/);
    // Where it came from said once, and when in the reader's time zone, named.
    assert.match(page.text, /Started by <b>alice<\/b> from the API at [A-Z][a-z]{2} \d{1,2}, \d{4}, [\d:]+ [AP]M UTC/);
    assert.match(page.text, /&quot;dbCredential&quot;: &quot;\*\*\*\*\*\*&quot;/);
    assert.match(page.text, /&quot;note&quot;: &quot;go&quot;/);
    assert.match(page.text, /<svg id="timeline"/);
    assert.deepEqual(svgRows(page.text), [
      ['prepare', 'Success'],
      ['approve', 'Waiting'],
    ]);
    assert.match(page.text, /Waiting · [\d.]+ (ms|s) so far/);
    assert.match(page.text, new RegExp(`Approval ticket <b>${ticketId}</b> <span class="badge AUDITING">`));
    assert.match(
      page.text,
      new RegExp(
        /<tr data-level="0"><td>1\. Team lead<\/td><td>ANY<\/td><td><span class="badge active">active<\/span>/.source +
          /<\/td><td>bob<\/td><td><span class="muted">none<\/span><\/td><td>bob<\/td><\/tr>/.source,
      ),
    );
    assert.match(
      page.text,
      new RegExp(
        /<tr data-level="1"><td>2\. DBA<\/td><td>ANY<\/td><td><span class="badge not-reached">not reached/.source +
          /<\/span><\/td><td><\/td>/.source,
      ),
    );
    assert.match(page.text, /<script src="\/assets\/execution-live\.js"><\/script>/, 'a live script while it runs');
    assert.ok(!page.text.includes(SECRET));
    await og.rt.executions.cancel(id, 'cancelled by the test');
  });

  test('a reader whose browser asks for Chinese reads the page in Chinese, times in the zone named', async () => {
    const id = await start('page-approval', { dbCredential: SECRET, note: 'go' });
    const ticketId = await waitingTicket(og, id);
    await vote(ticketId, 'bob', 'lgtm');
    await until(async () => (await og.rt.approvals.get(ticketId)).level === 1, 'the second level');
    // A DingTalk delivery that failed, recorded in English with its catalogue text beside it.
    await og.rt.executionStore.logDelivery(id, {
      time: new Date().toISOString(),
      channel: 'DingTalk',
      ticketId,
      message: 'no DingTalk id in the directory for carol',
      text: msg('dingtalk:noDingTalkId', { names: 'carol' }),
    });
    const zh = { headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' } };
    const r = await fetch(`${og.url}/executions/${id}`, zh);
    const html = await r.text();
    assert.match(html, /^<!doctype html><html lang="zh-CN">/);
    assert.match(html, /两次等待之间有两级审批/, "the template's Description in the reader's language");
    assert.match(html, /由 <b>alice<\/b> 从API启动于 2\d{3}年\d{1,2}月\d{1,2}日 .*UTC/);
    assert.match(html, /<span class="badge Waiting">等待中<\/span>/, 'statuses from common:status');
    assert.match(html, /<span class="badge approved">同意<\/span> bob/);
    // The approval's words are the card's (approval/card.ts): level status, mode, tally.
    assert.match(html, /<span class="badge active">审批中<\/span>/);
    assert.match(html, /<td>1\. Team lead<\/td><td>ANY<\/td><td><span class="badge approved">已同意<\/span>/);
    assert.match(
      html,
      new RegExp(`审批单 <b>${ticketId}</b> <span class="badge AUDITING">审批中</span> · 当前审批级别：已同意 0/1`),
    );
    assert.match(
      html,
      /钉钉（审批单 \d+）：通讯录中没有 carol 的钉钉 ID/,
      'a failed delivery in the reader’s language',
    );
    // The list: the approvals waiting, their level and tally as the card says them.
    const list = await (await fetch(`${og.url}/executions`, zh)).text();
    assert.match(
      list,
      new RegExp(
        `<tr data-ticket="${ticketId}">.*<small>审批级别 2/2：DBA（ANY）</small>.*<td>已同意 0/1</td><td>carol</td>`,
      ),
    );
    assert.match(html, /data-status="Waiting"/, 'the codes scripts and tests read stay as they are');
    // What a person reads: no English sentence left (ids, names, JSON and the template's own words aside;
    // the run's status message is the engine's, shown in Chinese once the engine gives it its catalogue text).
    const exec = await og.rt.executionStore.get(id);
    const engineSaid = [
      exec.statusText ? '' : (exec.statusMessage ?? ''),
      ...Object.values(exec.tasks).map((task) => (task.text ? '' : (task.message ?? ''))),
    ];
    const shown = engineSaid
      .filter(Boolean)
      .reduce((h, said) => h.split(said).join(' '), html)
      .replace(/<(style|pre|title)[\s\S]*?<\/\1>/g, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/exec-[0-9a-f]+|page-approval|Team lead|DBA|ACS::\w+|lgtm|NoEcho/g, ' ');
    assert.doesNotMatch(shown, /[A-Za-z]{2,}[ \t]+[A-Za-z]{2,}/, shown);
    const english = await (await fetch(`${og.url}/executions/${id}`, { headers: { 'accept-language': 'fr' } })).text();
    assert.match(english, /<html lang="en">/, 'a language opsgate does not speak falls back to OPSGATE_LOCALE');
    await og.rt.executions.cancel(id, 'cancelled by the test');
  });

  test('the stream tells of each vote and of the end; the fragment then shows them; NoEcho never shows', async () => {
    const id = await start('page-approval', { dbCredential: SECRET });
    const ticketId = await waitingTicket(og, id);
    const first = await get(`/executions/${id}`);
    const since = /data-version="([^"]*)"/
      .exec(first.text)![1]!
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    const stream = await openStream(`${og.url}/executions/${id}/events?since=${encodeURIComponent(since)}`);
    assert.equal(stream.status, 200);
    assert.match(stream.type!, /^text\/event-stream/);
    await until(() => stream.comments.includes('connected'), 'the stream to open');
    assert.equal(stream.events.length, 0, 'nothing missed since the page was rendered');

    assert.equal((await vote(ticketId, 'bob', 'lgtm')).outcome, 'recorded');
    await until(() => stream.events.some((e) => e.event === 'change' && e.data === id), 'an event for the vote');
    const afterBob = await get(`/executions/${id}/fragment`);
    assert.equal(afterBob.status, 200);
    assert.match(afterBob.text, /^<div class="fragment" data-exec-status="Waiting"/);
    assert.match(
      afterBob.text,
      new RegExp(
        /<tr data-level="0"><td>1\. Team lead<\/td><td>ANY<\/td><td><span class="badge approved">approved/.source +
          /<\/span><\/td><td>bob<\/td><td><span class="badge approved">approved<\/span> bob <small>[^<]+/.source +
          /<\/small>: “lgtm”<\/td>/.source,
      ),
    );
    assert.match(
      afterBob.text,
      new RegExp(
        /<tr data-level="1"><td>2\. DBA<\/td><td>ANY<\/td><td><span class="badge active">active<\/span><\/td>/.source +
          /<td>carol<\/td>/.source,
      ),
    );
    assert.doesNotMatch(afterBob.text, /<html|<script/, 'the fragment is only the changing part');
    // The picture: each level a row under its task, bob's vote a green dot on the first.
    assert.match(
      afterBob.text,
      new RegExp(
        /<g class="row level" data-task="approve" data-status="approved" data-level="0"[^>]*>[\s\S]*?/.source +
          /<circle class="vote" data-voter="bob" data-decision="AGREE"[^>]*><title>bob approved at [^<]+: lgtm/.source +
          /<\/title>/.source,
      ),
    );
    assert.match(
      afterBob.text,
      new RegExp(
        /<g class="row level" data-task="approve" data-status="active" data-level="1"[^>]*>/.source +
          /(?:(?!<\/g>)[\s\S])*waiting for carol/.source,
      ),
    );

    const before = stream.events.length;
    await vote(ticketId, 'carol');
    const done = await ended(og, id);
    assert.equal(done.status, 'Success');
    await until(
      () => stream.events.length > before + 1 && stream.events.every((e) => e.event === 'change' && e.data === id),
      'events up to the end',
    );
    const last = await get(`/executions/${id}/fragment`);
    assert.match(last.text, /^<div class="fragment" data-exec-status="Success"/);
    assert.deepEqual(svgRows(last.text), [
      ['prepare', 'Success'],
      ['approve', 'Success'],
      ['finish', 'Success'],
    ]);
    assert.match(
      last.text,
      /<h2>Outputs<\/h2><pre>\{\n {2}&quot;echoed&quot;: &quot;\*\*\*\*\*\*&quot;\n\}<\/pre>/,
      'an output that echoes a NoEcho value is masked',
    );
    const page = await get(`/executions/${id}`);
    assert.doesNotMatch(page.text, /<script/, 'an ended execution needs no live script');
    for (const text of [first.text, afterBob.text, last.text, page.text, stream.raw()])
      assert.ok(!text.includes(SECRET), 'the NoEcho value shows nowhere');
    stream.abort();
    await stream.done;
  });

  test('a loop task shows its item counts and a row per item; a child execution is linked', async () => {
    const id = await start('page-loop');
    const done = await ended(og, id);
    assert.equal(done.status, 'Success', done.statusMessage);
    const page = await get(`/executions/${id}`);
    assert.deepEqual(svgRows(page.text), [
      ['nap', 'Success'],
      ['nested', 'Success'],
    ]);
    const items = [
      ...page.text.matchAll(/<g class="row item" data-task="nap" data-status="([^"]*)" data-item="(\d+)"/g),
    ].map((m) => [Number(m[2]), m[1]]);
    assert.deepEqual(items.sort(), [
      [0, 'Success'],
      [1, 'Success'],
      [2, 'Failed'],
      [3, 'Success'],
    ]);
    assert.match(page.text, /Items: <b>3<\/b> succeeded, <b>1<\/b> failed, <b>4<\/b> in all/);
    assert.match(page.text, /3 of 4 ok, 1 failed/);
    assert.match(page.text, /Duration must be an ISO-8601 duration/, 'the failed item says why');
    const child = (await og.rt.executionStore.children(id))[0]!;
    assert.ok(child, 'a child execution');
    assert.match(page.text, new RegExp(`<p>Child execution <a href="/executions/${child}">${child}</a></p>`));
    assert.match(
      page.text,
      new RegExp(
        `<h2>Child executions</h2><ul><li><a href="/executions/${child}">${child}</a> page-child <span ` +
          `class="badge Success">`,
      ),
    );
    const childPage = await get(`/executions/${child}`);
    assert.equal(childPage.status, 200);
    assert.match(childPage.text, new RegExp(`child of <a href="/executions/${id}">`));
  });

  test('a task run again (RetryTask after a failure) has a row per run, the failed one with its error', async () => {
    const exec = await og.rt.executions.start({
      templateName: 'flaky-once',
      parameters: { base: target.base, key: 'page', failures: 1 },
      owner: 'alice',
      origin: { platform: 'api' },
      mode: 'FailurePause',
    });
    await until(
      async () => (await og.rt.executionStore.get(exec.id)).status === 'Waiting',
      'the pause after the failure',
    );
    await og.rt.executions.signal(exec.id, 'retry');
    assert.equal((await ended(og, exec.id)).status, 'Success');
    const page = await get(`/executions/${exec.id}`);
    assert.deepEqual(svgRows(page.text), [
      ['flaky', 'Failed'],
      ['flaky', 'Success'],
      ['after', 'Success'],
    ]);
    assert.match(page.text, /<title>flaky run 1: Failed/);
    assert.match(
      page.text,
      new RegExp(
        /<h3>flaky <small>run 1<\/small> <span class="badge Failed">Failed<\/span>[\s\S]*?/.source +
          /<p class="error">[^<]*answered 503<\/p>/.source,
      ),
    );
  });

  test('an unknown or malformed id is a 404 page that says so', async () => {
    const unknown = await get('/executions/exec-0123456789abcdef0123');
    assert.equal(unknown.status, 404);
    assert.match(unknown.type!, /^text\/html/);
    assert.match(unknown.text, /Execution exec-0123456789abcdef0123 does not exist/);
    for (const path of [
      '/executions/not-an-id',
      '/executions/exec-XYZ',
      '/executions/not-an-id/fragment',
      '/executions/not-an-id/events',
    ]) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      assert.match(r.text, /is not an execution id/, path);
    }
    assert.equal((await get('/executions/exec-0123456789abcdef0123/fragment')).status, 404);
    assert.equal((await get('/executions/exec-0123456789abcdef0123/events')).status, 404);
    assert.equal((await get('/executions/a/b/c')).status, 404);
  });

  test('the stream of an ended execution says so and closes', async () => {
    const id = await start('page-child', { word: 'hi' });
    await ended(og, id);
    const stream = await openStream(`${og.url}/executions/${id}/events`);
    assert.equal(stream.status, 200);
    await stream.done;
    assert.deepEqual(stream.events, [{ event: 'end', data: 'Success' }]);
  });

  test('the list: newest first, filtered by status, template and owner, with the approvals waiting', async () => {
    const waiting = await start('page-approval', { dbCredential: SECRET }, 'dave');
    const ticketId = await waitingTicket(og, waiting);
    const child = await start('page-child', { word: 'x' }, 'carol');
    await ended(og, child);

    const all = await get('/executions');
    assert.equal(all.status, 200);
    const ids = [...all.text.matchAll(/<tr data-execution="([^"]+)">/g)].map((m) => m[1]);
    assert.ok(ids.indexOf(child) >= 0 && ids.indexOf(child) < ids.indexOf(waiting), 'newest first');
    assert.match(all.text, /<form class="filters" method="get" action="\/executions">/);

    const waitingOnly = await get('/executions?status=Waiting');
    const shown = [...waitingOnly.text.matchAll(/<tr data-execution="([^"]+)">/g)].map((m) => m[1]);
    assert.ok(shown.includes(waiting));
    assert.ok(!shown.includes(child));
    assert.match(waitingOnly.text, /<option value="Waiting" selected>/);

    const byTemplate = await get('/executions?template=PAGE-CHILD');
    assert.ok(
      [...byTemplate.text.matchAll(/<td>([^<]+) <small>v1<\/small><\/td>/g)].every((m) => m[1] === 'page-child'),
    );
    assert.match(byTemplate.text, new RegExp(`<a href="/executions/${child}">`));

    const byOwner = await get('/executions?owner=dave');
    const owners = [...byOwner.text.matchAll(/<tr data-execution="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(owners, [waiting]);
    assert.match((await get('/executions?owner=nobody')).text, /No execution matches/);

    assert.match(
      all.text,
      new RegExp(
        `<tr data-ticket="${ticketId}"><td>${ticketId}</td><td>page-approval / approve<br><small>Level 1 of 2: ` +
          `Team lead \\(ANY\\)</small></td><td><a href="/executions/${waiting}">` +
          `${waiting}</a></td><td>dave</td><td>0 of 1 approval</td><td>bob</td>`,
      ),
    );
    assert.ok(!all.text.includes(SECRET));
    await og.rt.executions.cancel(waiting, 'cancelled by the test');
  });

  test('the list pages through 50 at a time with a cursor that survives new executions', async () => {
    const store = og.rt.executionStore;
    const base = Date.parse('2001-01-01T00:00:00Z');
    // Old executions of a template name of their own, made directly in the store (they never run).
    const made: string[] = [];
    for (let i = 0; i < 53; i++) {
      const id = `exec-${(0xa0000 + i).toString(16)}`;
      made.push(id);
      await store.create({
        id,
        templateName: 'paged',
        templateVersion: 'v1',
        parameters: {},
        status: 'Success',
        tasks: {},
        origin: { platform: 'api' },
        mode: 'Automatic',
        owner: 'erin',
        createDate: new Date(base + Math.floor(i / 2) * 1000).toISOString(),
        updateDate: new Date(base).toISOString(),
      });
    }
    const rowsOf = (html: string) => [...html.matchAll(/<tr data-execution="([^"]+)">/g)].map((m) => m[1]!);
    const first = await get('/executions?template=paged');
    assert.equal(rowsOf(first.text).length, 50);
    const next = /<a href="\/executions\?([^"]+)" rel="next">older<\/a>/.exec(first.text)![1]!.replace(/&amp;/g, '&');
    await start('page-child', { word: 'meanwhile' });
    const second = await get(`/executions?${next}`);
    const all = [...rowsOf(first.text), ...rowsOf(second.text)];
    assert.equal(all.length, 53);
    assert.deepEqual([...all].sort(), [...made].sort(), 'each once, none lost where times are equal');
    assert.match(second.text, /newest<\/a>/);
  });
});

describe('the event fan-out', () => {
  let og: Opsgate;
  before(async () => {
    og = await startOpsgate({ env: { OPSGATE_TEMPLATES: TEMPLATES } });
  });
  after(async () => {
    await og.close();
  });

  test("each stream gets only its own execution's events, and keepalive comments", async () => {
    const rt = og.rt;
    const pages = executionPageRoutes({
      executions: rt.executionStore,
      runs: rt.history,
      templates: rt.templates,
      tickets: rt.tickets,
      redis: rt.redis,
      channel: rt.keys.executionEvents,
      keepaliveMs: 50,
    });
    const server = createHttpServer(pages.routes, createLogger('silent'));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const a = (
        await rt.executions.start({
          templateName: 'page-approval',
          parameters: { dbCredential: SECRET },
          owner: 'alice',
          origin: { platform: 'api' },
        })
      ).id;
      const b = (
        await rt.executions.start({
          templateName: 'page-approval',
          parameters: { dbCredential: SECRET },
          owner: 'alice',
          origin: { platform: 'api' },
        })
      ).id;
      await waitingTicket(og, a);
      await waitingTicket(og, b);
      const sa = await openStream(`${url}/executions/${a}/events`);
      const sb = await openStream(`${url}/executions/${b}/events`);
      await until(() => sa.comments.includes('keepalive') && sb.comments.includes('keepalive'), 'keepalive comments');
      await rt.redis.publish(rt.keys.executionEvents, a);
      await until(() => sa.events.length === 1, 'the event for a');
      assert.deepEqual(sa.events, [{ event: 'change', data: a }]);
      assert.deepEqual(sb.events, []);

      // Closing ends the open streams, so the server can close.
      pages.close();
      await Promise.all([sa.done, sb.done]);
      assert.equal((await fetch(`${url}/executions/${a}/events`)).status, 503);
      await rt.executions.cancel(a, 'cancelled by the test');
      await rt.executions.cancel(b, 'cancelled by the test');
    } finally {
      pages.close();
      await new Promise((r) => server.close(r));
    }
  });

  test('closing the web process ends the open streams', async () => {
    const other = await startOpsgate({ env: { OPSGATE_TEMPLATES: TEMPLATES } });
    const id = (
      await other.rt.executions.start({
        templateName: 'page-approval',
        parameters: { dbCredential: SECRET },
        owner: 'alice',
        origin: { platform: 'api' },
      })
    ).id;
    await waitingTicket(other, id);
    const stream = await openStream(`${other.url}/executions/${id}/events`);
    await until(() => stream.comments.includes('connected'), 'the stream to open');
    await other.close();
    await stream.done;
    assert.ok(stream.raw().startsWith(': connected'));
  });
});
