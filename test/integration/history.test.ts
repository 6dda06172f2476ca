import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { approvalCard } from '../../src/approval/card.js';
import { ArchiveLink } from '../../src/bin/archive-link.js';
import { archiveSchemaOf, retentionOf } from '../../src/bin/runtime.js';
import { describeTicket } from '../../src/chat/describe.js';
import { callApi, consolePost, signIn, startOpsgate, until, type Opsgate } from '../support/harness.js';
import { dropSchema, postgresForTests, sql } from '../support/postgres.js';

/**
 * History that leaves Redis: retention moves ended runs to the PostgreSQL archive, and every reader
 * (the API, chat, the execution page, the audit) answers for them exactly as before.
 */
const TOKENS = { alice: 'alice-token-0123456789', bob: 'bob-token-0123456789' };
const SECRET = 's3cret-token-value';
const DAY = 24 * 3600 * 1000;

const pgFound = await postgresForTests();

describe('history: retention, the archive and the audit', () => {
  let og: Opsgate;
  let url: string;
  let cookie: string;
  before(async () => {
    url = pgFound.url;
    og = await startOpsgate({
      env: {
        OPSGATE_TEMPLATES: 'test/fixtures/runbooks:test/fixtures/history',
        OPSGATE_ARCHIVE_URL: url,
        // Long enough that the scheduled sweep leaves the runs alone: the tests sweep themselves.
        OPSGATE_RETENTION: 'P1D',
        OPSGATE_API_TOKENS: Object.entries(TOKENS)
          .map(([n, t]) => `${n}:${t}`)
          .join(','),
      },
    });
    cookie = await signIn(og, TOKENS.alice);
  });
  after(async () => {
    await og?.close();
    if (og) await dropSchema(url, archiveSchemaOf(og.prefix));
  });

  const call = async (action: string, body: unknown, who: keyof typeof TOKENS = 'alice') => {
    const r = await callApi(og, TOKENS[who], action, body);
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
    const { RequestId: _, ...rest } = r.body;
    return rest;
  };
  const say = async (text: string) =>
    ((await (await consolePost(og, '/console/command', { text }, cookie)).json()) as { reply: string }).reply;
  const page = async (id: string) => {
    const r = await fetch(`${og.url}/executions/${id}`, { headers: { cookie } });
    assert.equal(r.status, 200);
    return r.text();
  };
  const xmlDetail = async (ticket: string) =>
    (
      await fetch(`${og.url}/api/GetApprovalDetail`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKENS.alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ WorkflowInstanceId: ticket, Format: 'XML' }),
      })
    )
      .text()
      .then((x) => x.replace(/<RequestId>[^<]*<\/RequestId>/, ''));

  /** A run that loops, waits for bob's approval (given through the API) and ends Success. */
  async function finishedRun(): Promise<{ id: string; ticket: string }> {
    const started = await call('StartExecution', { TemplateName: 'history-run', Parameters: { token: SECRET } });
    const id = started.Execution.ExecutionId as string;
    const ticket = await until(async () => {
      const e = await og.rt.executionStore.get(id);
      return e.status === 'Waiting' && (e.tasks.approve?.data?.ticketId as string | undefined);
    }, 'the approval');
    await call('NotifyExecution', { ExecutionId: id, NotifyType: 'Approve', NotifyNote: 'ship it' }, 'bob');
    await until(async () => (await og.rt.executionStore.get(id)).status === 'Success', 'Success');
    return { id, ticket };
  }

  /** Everything a reader can ask about one run and its ticket. */
  const answers = async (id: string, ticket: string) => ({
    byId: await call('ListExecutions', { ExecutionId: id }),
    listed: (await call('ListExecutions', { TemplateName: 'history-run', MaxResults: 100 })).Executions.find(
      (e: { ExecutionId: string }) => e.ExecutionId === id,
    ),
    tasks: await call('ListTaskExecutions', { ExecutionId: id, IncludeChildTaskExecution: true }),
    detail: await call('GetApprovalDetail', { WorkflowInstanceId: ticket }),
    xml: await xmlDetail(ticket),
    status: await say(`status ${id}`),
    ticket: await say(`ticket ${ticket}`),
    audit: await (await fetch(`${og.url}/executions/${id}/audit`, { headers: { cookie } })).text(),
    page: (await page(id)).replace(/data-now="\d+"/g, '').replace(/\b\d+ (seconds?|minutes?) ago\b/g, ''),
  });

  const keysOf = (id: string) => og.rt.redis.keys(`${og.prefix}:{${id}}*`);
  const sweepAll = (now = () => Date.now() + 2 * DAY) => retentionOf(og.rt, { now }).sweepAll();

  test('an archived run answers exactly as before: API (JSON and XML), chat, the execution page', async () => {
    const { id, ticket } = await finishedRun();
    const before = await answers(id, ticket);
    assert.equal(before.tasks.TaskExecutions.length, 5, 'three tasks and two loop items');
    assert.ok(before.listed, 'listed before');
    // The page links to the run's approval decisions, which its audit link gives as CSV.
    assert.ok(before.page.includes(`href="/executions/${id}/audit"`));
    assert.match(
      before.audit,
      new RegExp(
        `^Date,WorkflowInstanceId,.*\n.*,${ticket},${id},history-run,v1,[0-9a-f]{64},0,bob,AGREE,api,ship it\n$`,
      ),
    );
    assert.ok((await keysOf(id)).length > 0);

    const swept = await sweepAll();
    assert.ok(swept.removed >= 1, JSON.stringify(swept));
    assert.deepEqual(await keysOf(id), [], 'nothing of the run is left in Redis');
    assert.equal(await og.rt.redis.zscore(og.rt.keys.executionIndex, id), null);
    assert.equal(await og.rt.redis.hget(og.rt.keys.ticketIndexBucket(ticket), ticket), null);

    const after = await answers(id, ticket);
    for (const k of Object.keys(before) as (keyof typeof before)[]) assert.deepEqual(after[k], before[k], k);
    // The NoEcho parameter never reached PostgreSQL.
    const schema = archiveSchemaOf(og.prefix);
    const rows = await sql(url, `SELECT doc::text AS doc FROM "${schema}".executions WHERE id = $1`, [id]);
    assert.equal(rows.length, 1);
    assert.ok(!String(rows[0]!.doc).includes(SECRET));
  });

  test("an archived cancelled ticket still reads in a zh-CN reader's language: reason, level note", async () => {
    const started = await call('StartExecution', { TemplateName: 'history-run', Parameters: { token: SECRET } });
    const id = started.Execution.ExecutionId as string;
    const ticket = await until(async () => {
      const e = await og.rt.executionStore.get(id);
      return e.status === 'Waiting' && (e.tasks.approve?.data?.ticketId as string | undefined);
    }, 'the approval');
    await call('CancelExecution', { ExecutionId: id });
    await until(async () => (await og.rt.history.ticket(ticket)).status === 'CANCEL', 'the ticket closed');
    const zh = { locale: 'zh-CN', timeZone: 'Asia/Shanghai' } as const;
    const read = async () => {
      const t = await og.rt.history.ticket(ticket);
      return { zh: describeTicket(t, zh), card: approvalCard(t, og.url, zh).outcome, en: describeTicket(t) };
    };
    const before = await read();
    const why = `执行 ${id} 已取消：已被 alice 取消`;
    assert.ok(before.zh.includes(`已取消（${why}）`), before.zh);
    assert.ok(before.zh.includes(`：已取消，${why}`), before.zh);
    assert.equal(before.card, `已取消：${why}`);
    assert.ok(before.en.includes(`cancelled (execution ${id} cancelled: cancelled by alice)`), before.en);

    await sweepAll();
    assert.equal(await og.rt.redis.hget(og.rt.keys.ticketIndexBucket(ticket), ticket), null, 'the ticket left Redis');
    assert.deepEqual(await read(), before);
  });

  test('retention never touches a run that has not ended, nor one that ended within the retention', async () => {
    const started = await call('StartExecution', { TemplateName: 'history-run', Parameters: { token: SECRET } });
    const waiting = started.Execution.ExecutionId as string;
    await until(async () => (await og.rt.executionStore.get(waiting)).status === 'Waiting', 'Waiting');
    const recent = (await finishedRun()).id;
    // A sweep as of now with a day's retention: the run that just ended stays.
    await retentionOf(og.rt).sweepAll();
    assert.ok(await og.rt.executionStore.find(recent), 'ended within the retention: kept');
    // Two days on, the ended run goes; the waiting one stays, whatever its age.
    await sweepAll();
    assert.equal(await og.rt.executionStore.find(recent), undefined);
    assert.equal((await og.rt.executionStore.get(waiting)).status, 'Waiting');
    assert.ok((await keysOf(waiting)).length > 0);
    await call('CancelExecution', { ExecutionId: waiting });
  });

  test('an archive that is down delays retention and loses nothing', async () => {
    const { id } = await finishedRun();
    const down = new ArchiveLink('postgres://postgres@127.0.0.1:1/test', og.rt.log);
    const r = await retentionOf(og.rt, { now: () => Date.now() + 2 * DAY, archive: down }).sweepAll();
    assert.match(r.archiveDown ?? '', /archive/);
    assert.equal(r.removed, 0);
    assert.ok(await og.rt.executionStore.find(id), 'still in Redis');
    await down.close();
    assert.ok((await sweepAll()).removed >= 1);
    assert.equal((await call('ListExecutions', { ExecutionId: id })).Executions[0].Status, 'Success');
  });

  test('the audit covers a range that spans Redis and the archive, by API and by the CLI', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const archived = await finishedRun();
    await sweepAll();
    const live = await finishedRun();
    assert.ok(await og.rt.executionStore.find(live.id));
    const all = await call('ListApprovalAudit', { StartDate: since });
    const mine = all.Records.filter((r: { WorkflowInstanceId: string }) =>
      [archived.ticket, live.ticket].includes(r.WorkflowInstanceId),
    );
    assert.deepEqual(
      mine.map((r: Record<string, unknown>) => [r.WorkflowInstanceId, r.Approver, r.Decision, r.Channel, r.Comment]),
      [
        [archived.ticket, 'bob', 'AGREE', 'api', 'ship it'],
        [live.ticket, 'bob', 'AGREE', 'api', 'ship it'],
      ],
    );
    for (const r of mine) {
      assert.equal(r.TemplateName, 'history-run');
      assert.match(r.TemplateHash, /^[0-9a-f]{64}$/);
      assert.equal(r.TemplateVersion, 'v1');
    }
    // One record a page: NextToken walks the same records across both.
    const walked: string[] = [];
    let token: string | undefined;
    do {
      const p = await call('ListApprovalAudit', { StartDate: since, MaxResults: 1, NextToken: token });
      walked.push(...p.Records.map((r: { WorkflowInstanceId: string }) => r.WorkflowInstanceId));
      token = p.NextToken;
    } while (token);
    assert.deepEqual(
      walked,
      all.Records.map((r: { WorkflowInstanceId: string }) => r.WorkflowInstanceId),
    );

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/bin/cli.ts', 'audit', '--since', since, '--format', 'csv'],
      { env: { ...process.env, ...og.env } },
    );
    const lines = stdout.trim().split('\n');
    assert.equal(
      lines[0],
      'Date,WorkflowInstanceId,ExecutionId,TemplateName,TemplateVersion,TemplateHash,Level,Approver,Decision,Channel,' +
        'Comment',
    );
    for (const t of [archived.ticket, live.ticket])
      assert.ok(
        lines.some((l) => l.includes(`,${t},`) && l.endsWith(',bob,AGREE,api,ship it')),
        stdout,
      );
  });

  test('/readyz names an archive that does not answer', async () => {
    const other = await startOpsgate({ env: { OPSGATE_ARCHIVE_URL: 'postgres://postgres@127.0.0.1:1/test' } });
    try {
      const r = await fetch(`${other.url}/readyz`);
      assert.equal(r.status, 503);
      assert.equal(((await r.json()) as Record<string, unknown>).archive, false);
    } finally {
      await other.close();
    }
  });
});
