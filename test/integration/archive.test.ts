import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { Archive } from '../../src/archive/archive.js';
import { maskRun } from '../../src/archive/mask.js';
import { migrate, migrations } from '../../src/archive/migrate.js';
import type { ArchivedRun } from '../../src/archive/types.js';
import type { Ticket, Vote } from '../../src/approval/ticket.js';
import { executionMasker, MASK } from '../../src/engine/mask.js';
import { parseTemplate } from '../../src/engine/parse.js';
import type { Execution } from '../../src/engine/types.js';
import { OpsgateError } from '../../src/errors.js';
import { msg, render, t } from '../../src/i18n/index.js';
import { executionView, taskExecutionView } from '../../src/http/api/execution-view.js';
import { dropSchema, postgresForTests, sql, testSchema } from '../support/postgres.js';

const pgAt = await postgresForTests();
const SECRET = 'Sup3r-S3cret-Phrase!';
const SECRET2 = 'an0ther-Declared-Secret';

// A NoEcho parameter the template declares (Pin) beside one the execution recorded at start (Phrase).
const template = parseTemplate(
  `FormatVersion: OOS-2019-06-01
Parameters:
  Phrase: { Type: String }
  Pin: { Type: String, NoEcho: true }
Tasks:
  - Name: hello
    Action: ACS::Sleep
    Properties: { Duration: PT1S }
`,
  'archive-test',
).template;

/** A vote as main records it: with where it was cast. */
type ChannelVote = Vote & { channel?: string };

const at = (minute: number) => new Date(Date.UTC(2024, 4, 1, 12, minute, 0, 123)).toISOString();

/**
 * A finished three-task run with a loop (two items and an empty one), children and outputs. With a
 * secret, its Phrase is NoEcho (recorded at start) and Pin holds SECRET2 (NoEcho in the template).
 */
function runOf(id: string, over: Partial<Execution> = {}, secret?: string): ArchivedRun {
  const te = (n: number) => `${id}-t${n}`;
  const value = secret ?? 'plain-value';
  const execution: Execution = {
    id,
    templateName: 'archive-demo',
    templateVersion: 'v3',
    parameters: { Phrase: value, Pin: secret ? SECRET2 : 'pin', Count: 3, List: ['a', 'b'] },
    ...(secret ? { noEcho: ['Phrase'] } : {}),
    status: 'Success',
    statusMessage: `done with ${value}`,
    // The catalogue text beside a message carries the same values: masked as the English is.
    statusText: { key: 'common:executionNotFound', values: { id: value } },
    tasks: {
      first: {
        taskExecutionId: te(1),
        status: 'Success',
        action: 'ACS::RunShellScript',
        startDate: at(1),
        endDate: at(2),
        properties: { Script: `echo '${value}'`, Timeout: 60 },
        outputs: { out: `it said ${value}`, n: 0.1 + 0.2, nested: { list: [1, null, true] } },
      },
      loop: {
        taskExecutionId: te(2),
        status: 'Success',
        action: 'ACS::Sleep',
        startDate: at(2),
        endDate: at(3),
        loop: { Total: 2, Success: 2, Failed: 0 },
        outputs: { all: [value, 'x'] },
      },
      child: {
        taskExecutionId: te(3),
        status: 'Success',
        action: 'ACS::Template',
        startDate: at(3),
        endDate: at(4),
        data: { childId: `${id}-child`, note: value },
        message: `child finished: ${value}`,
        text: { key: 'common:executionNotFound', values: { id: value } },
      },
    },
    outputs: { result: value, size: 42 },
    owner: 'alice',
    origin: { platform: 'slack', channel: 'C123' },
    mode: 'Automatic',
    description: 'nightly',
    tags: { env: 'prod', team: 'ops' },
    children: [`${id}-child`],
    createDate: at(0),
    updateDate: at(4),
    endDate: at(4),
    ...over,
  };
  const item = (index: number) => ({
    index,
    item: index === 0 ? value : { host: `h${index}` },
    taskExecutionId: `${te(2)}-${index}`,
    status: 'Success' as const,
    startDate: at(2),
    endDate: at(3),
    outputs: { echoed: `${value}/${index}` },
  });
  return {
    execution,
    taskRecords: [
      { ...execution.tasks.first!, name: 'first' },
      { ...execution.tasks.first!, taskExecutionId: `${te(1)}-earlier`, status: 'Failed', name: 'first' },
      { ...execution.tasks.loop!, name: 'loop' },
      { ...execution.tasks.child!, name: 'child' },
    ],
    loopItems: { [te(2)]: [item(0), item(1)], [`${id}-empty-loop`]: [] },
    children: [`${id}-child`],
  };
}

function ticketOf(id: string, executionId: string | undefined, votes: Vote[], over: Partial<Ticket> = {}): Ticket {
  return {
    id,
    key: `approve/${id}`,
    ...(executionId ? { executionId, taskName: 'approve', templateName: 'archive-demo' } : {}),
    title: 'Deploy',
    description: `about ${SECRET}`,
    orderType: 'RUNBOOK',
    requester: 'alice',
    spec: {
      levels: [{ name: 'leads', mode: 'ANY', min: 1, approvers: ['bob', 'carol'] }],
      notify: {
        type: 'Mail',
        appendLink: true,
        mail: { host: 'smtp', port: 25, password: 'smtp-password-1', from: 'a@x', to: ['b@x'] },
      },
      allowSelfApproval: false,
      chat: true,
    },
    subject: {},
    reasons: ['because'],
    createDate: at(10),
    status: 'APPROVED',
    level: 0,
    approvals: votes.filter((v) => v.decision === 'AGREE').length,
    required: 1,
    closeCode: 'approved',
    decidedAt: at(12),
    votes,
    levels: [{ index: 0, name: 'leads', mode: 'ANY', status: 'approved', approvers: ['bob', 'carol'], required: 1 }],
    approvers: [],
    ...over,
  };
}

/** Every row of every table of a schema, as text: what a grep of the database would see. */
async function allRows(url: string, schema: string): Promise<string> {
  const tables = await sql<{ table_name: string }>(
    url,
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
    [schema],
  );
  const texts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await sql<{ row: string }>(url, `SELECT t::text AS row FROM "${schema}"."${table_name}" t`);
    texts.push(...rows.map((r) => r.row));
  }
  return texts.join('\n');
}

/** A fresh archive on a schema of its own, dropped after the file. */
function archives(url: string) {
  const opened: { archive: Archive; schema: string }[] = [];
  after(async () => {
    for (const { archive, schema } of opened) {
      await archive.close();
      await dropSchema(url, schema);
    }
  });
  return async (): Promise<{ archive: Archive; schema: string }> => {
    const schema = testSchema();
    const archive = await Archive.connect(url, { schema });
    opened.push({ archive, schema });
    return { archive, schema };
  };
}

/** What the driver gives back for a JSON value: undefined fields gone. */
const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('archive (PostgreSQL)', () => {
  const url = pgAt.url;
  const fresh = archives(url);

  test('two processes starting at once migrate once', async () => {
    const schema = testSchema();
    try {
      const applied = await Promise.all([migrate(url, schema), migrate(url, schema), migrate(url, schema)]);
      const all = migrations().map((m) => m.name);
      assert.ok(all.includes('001-init'));
      assert.deepEqual(applied.flat().sort(), all.sort(), 'each migration applied by exactly one of them');
      const both = await Promise.all([Archive.connect(url, { schema }), Archive.connect(url, { schema })]);
      const rows = await sql<{ version: number }>(url, `SELECT version FROM "${schema}".schema_migrations`);
      assert.equal(rows.length, all.length);
      await Promise.all(both.map((a) => a.close()));
    } finally {
      await dropSchema(url, schema);
    }
  });

  test('putRun then run() gives back exactly what was put: records, loop items, children, outputs', async () => {
    const { archive } = await fresh();
    const run = runOf('exec-aa01');
    await archive.putRun(run);
    assert.deepEqual(await archive.run('exec-aa01'), run);
    assert.equal(await archive.hasRun('exec-aa01'), true);
    assert.equal(await archive.hasRun('exec-ffff'), false);
    assert.equal(await archive.run('exec-ffff'), undefined);
  });

  test('absent fields stay absent, dates stay the strings they were, odd text survives', async () => {
    const { archive, schema } = await fresh();
    const run = runOf('exec-aa02', {
      createDate: '2024-05-01T12:00:00Z', // no milliseconds: kept as written
      endDate: undefined,
      status: 'Failed',
      outputs: { zero: 'a\u0000b', lone: 'x\ud800y', pair: '😀', quote: `'"\\` },
    });
    await archive.putRun(run);
    const back = await archive.run('exec-aa02');
    assert.deepEqual(back, asJson(run));
    assert.equal(back?.execution.createDate, '2024-05-01T12:00:00Z');
    assert.ok(back && !('endDate' in back.execution));
    // json, not jsonb: the text as written, escapes and key order included.
    const [row] = await sql<{ doc: string }>(url, `SELECT doc::text AS doc FROM "${schema}".executions`);
    assert.ok(row?.doc.includes('"outputs":{"zero":"a\\u0000b","lone":"x\\ud800y"'), row?.doc);
  });

  test('no NoEcho value reaches PostgreSQL: recorded or declared, in any field', async () => {
    const { archive, schema } = await fresh();
    const run = runOf('exec-aa03', {}, SECRET);
    await archive.putRun(run, template);
    const rows = await allRows(url, schema);
    assert.ok(rows.includes('exec-aa03'), 'the grep sees the rows');
    assert.ok(!rows.includes(SECRET), 'the recorded NoEcho value was written');
    assert.ok(!rows.includes(SECRET2), 'the declared NoEcho value was written');
    const back = await archive.run('exec-aa03');
    assert.deepEqual(back, maskRun(run, template));
    assert.equal(back?.execution.parameters.Phrase, MASK);
    assert.equal(back?.execution.parameters.Pin, MASK);
    assert.equal(back?.execution.parameters.Count, 3);
    assert.equal(back?.execution.tasks.first?.outputs?.out, `it said ${MASK}`);
    assert.equal(back?.execution.tasks.child?.data?.childId, 'exec-aa03-child');
    assert.equal(back?.loopItems['exec-aa03-t2']?.[0]?.item, MASK);

    // What the API shows of it is what it showed before archiving, masked by the same views.
    const viewsOf = (r: ArchivedRun) => {
      const m = executionMasker(r.execution, template);
      const loop = r.execution.tasks.loop!;
      return {
        execution: executionView(r.execution, m, r.children.length),
        tasks: r.taskRecords.map((t) => taskExecutionView(r.execution.id, t.name, t, m)),
        items: (r.loopItems[loop.taskExecutionId] ?? []).map((i) =>
          taskExecutionView(r.execution.id, 'loop', { ...i, action: loop.action }, m, loop.taskExecutionId),
        ),
      };
    };
    assert.deepEqual(viewsOf(back!), viewsOf(run));
  });

  test('a write repeated changes nothing; a write with fewer records removes the rest', async () => {
    const { archive, schema } = await fresh();
    const run = runOf('exec-aa04');
    await archive.putRun(run, undefined, 'sha256:abc');
    await archive.putRun(run, undefined, 'sha256:abc');
    await Promise.all([archive.putRun(run, undefined, 'sha256:abc'), archive.putRun(run, undefined, 'sha256:abc')]);
    assert.deepEqual(await archive.run('exec-aa04'), run);
    const count = async (table: string) =>
      (await sql<{ n: number }>(url, `SELECT count(*)::int AS n FROM "${schema}".${table}`))[0]!.n;
    assert.equal(await count('executions'), 1);
    assert.equal(await count('task_executions'), 4);
    assert.equal(await count('loop_items'), 2);

    const fewer = { ...run, taskRecords: run.taskRecords.slice(1), loopItems: {} };
    await archive.putRun(fewer, undefined, 'sha256:abc');
    assert.deepEqual(await archive.run('exec-aa04'), fewer);
    assert.equal(await count('task_executions'), 3);
    assert.equal(await count('loop_items'), 0);
  });

  test('putTicket then ticket() gives back the ticket; its votes are rows; a repeat changes nothing', async () => {
    const { archive, schema } = await fresh();
    const votes: ChannelVote[] = [
      { voter: 'bob', decision: 'AGREE', comment: `ok ${SECRET}`, date: at(11), level: 0, channel: 'slack' },
      { voter: 'carol', decision: 'REJECT', date: at(11.5), level: 0 },
    ];
    const noEcho = executionMasker(runOf('exec-aa05', {}, SECRET).execution, template);
    const ticket = ticketOf('71', 'exec-aa05', votes);
    await archive.putTicket(ticket, { masker: noEcho });
    await archive.putTicket(ticket, { masker: noEcho });
    const back = await archive.ticket('71');
    assert.equal(back?.description, `about ${MASK}`);
    assert.equal(back?.votes[0]?.comment, `ok ${MASK}`);
    assert.equal(back?.spec.notify?.mail?.password, MASK, 'a decided ticket keeps no credential');
    assert.deepEqual(back, {
      ...ticket,
      description: `about ${MASK}`,
      votes: [{ ...votes[0]!, comment: `ok ${MASK}` }, votes[1]],
      spec: {
        ...ticket.spec,
        notify: { ...ticket.spec.notify!, mail: { ...ticket.spec.notify!.mail!, password: MASK } },
      },
    });
    const rows = await allRows(url, schema);
    assert.ok(!rows.includes(SECRET) && !rows.includes('smtp-password-1'));
    const stored = await sql(
      url,
      `SELECT voter, decision, comment, channel, date FROM "${schema}".votes ORDER BY voter`,
    );
    assert.deepEqual(stored, [
      { voter: 'bob', decision: 'AGREE', comment: `ok ${MASK}`, channel: 'slack', date: at(11) },
      { voter: 'carol', decision: 'REJECT', comment: null, channel: null, date: at(11.5) },
    ]);

    const plain = ticketOf('9', undefined, [], { status: 'CANCEL', closeCode: 'withdrawn', description: 'x' });
    await archive.putTicket(plain);
    assert.deepEqual(await archive.ticket('9'), {
      ...plain,
      spec: { ...plain.spec, notify: { ...plain.spec.notify!, mail: { ...plain.spec.notify!.mail!, password: MASK } } },
    });
    await archive.putTicket(ticketOf('100', 'exec-aa05', []));
    assert.deepEqual(await archive.ticketsOf('exec-aa05'), ['71', '100']);
    assert.deepEqual(await archive.ticketsOf('exec-none'), []);
    assert.equal(await archive.ticket('404'), undefined);
  });

  test("a cancelled ticket keeps its reason's and its level note's catalogue text, its values masked", async () => {
    const { archive } = await fresh();
    const noEcho = executionMasker(runOf('exec-aa06', {}, SECRET).execution, template);
    const why = msg('core:executionEndedNote', {
      id: 'exec-aa06',
      status: 'Cancelled',
      note: msg('core:cancelledBy', { user: 'alice' }),
    });
    const escalated = msg('core:escalatedTo', { names: `dave ${SECRET}` });
    const ticket = ticketOf('72', 'exec-aa06', [], {
      status: 'CANCEL',
      closeCode: 'cancelled',
      reason: render(why, 'en'),
      reasonText: why,
      levels: [
        {
          index: 0,
          name: 'leads',
          mode: 'ANY',
          status: 'cancelled',
          approvers: ['bob'],
          required: 1,
          note: render(escalated, 'en'),
          noteText: escalated,
        },
      ],
    });
    await archive.putTicket(ticket, { masker: noEcho });
    const back = (await archive.ticket('72'))!;
    assert.deepEqual(back.reasonText, why);
    assert.equal(back.reason, 'execution exec-aa06 cancelled: cancelled by alice');
    assert.equal(
      render(back.reasonText!, 'zh-CN'),
      t('zh-CN', 'core:executionEndedNote', {
        id: 'exec-aa06',
        status: 'Cancelled',
        note: t('zh-CN', 'core:cancelledBy', { user: 'alice' }),
      }),
    );
    assert.deepEqual(back.levels[0]!.noteText, msg('core:escalatedTo', { names: `dave ${MASK}` }));
    assert.equal(back.levels[0]!.note, `escalated to dave ${MASK}`);
  });

  test('listRuns: newest first, every filter, cursor paging over the whole list', async () => {
    const { archive } = await fresh();
    const specs: Partial<Execution>[] = [];
    for (let i = 0; i < 12; i++)
      specs.push({
        id: `exec-b${String(i).padStart(2, '0')}`,
        createDate: at(i),
        endDate: i % 4 === 3 ? undefined : at(i + 30),
        status: i % 4 === 3 ? 'Failed' : 'Success',
        templateName: i % 3 === 0 ? 'alpha' : i % 3 === 1 ? 'beta' : 'gamma',
        owner: i % 2 ? 'bob' : 'alice',
        mode: i === 5 ? 'Debug' : 'Automatic',
        parent: i >= 10 ? { executionId: 'exec-b00', taskName: 'child', taskExecutionId: 't' } : undefined,
        description: i === 7 ? 'the Weekly restart' : 'nightly',
        tags: i % 2 ? { env: 'prod', team: 'ops' } : { env: 'dev' },
      });
    // Same createDate for two: the id breaks the tie.
    specs.push({ ...specs[4]!, id: 'exec-b04x' });
    for (const s of specs) await archive.putRun({ ...runOf(s.id!, s), children: [] });

    const ids = async (q: Parameters<Archive['listRuns']>[0], limit = 100) =>
      (await archive.listRuns(q, limit)).items.map((e) => e.id);
    const all = await ids({});
    assert.deepEqual(all.slice(0, 4), ['exec-b11', 'exec-b10', 'exec-b09', 'exec-b08']);
    assert.deepEqual(all.slice(6, 9), ['exec-b05', 'exec-b04x', 'exec-b04']);
    assert.equal(all.length, 13);

    assert.deepEqual(await ids({ status: 'Failed' }), ['exec-b11', 'exec-b07', 'exec-b03']);
    assert.deepEqual(await ids({ templateNames: ['alpha', 'gamma'], executedBy: 'bob' }), [
      'exec-b11',
      'exec-b09',
      'exec-b05',
      'exec-b03',
    ]);
    assert.deepEqual(await ids({ templateNames: [] }), []);
    assert.deepEqual(await ids({ parentId: 'exec-b00' }), ['exec-b11', 'exec-b10']);
    assert.equal((await ids({ rootOnly: true })).length, 11);
    assert.deepEqual(await ids({ mode: 'Debug' }), ['exec-b05']);
    assert.deepEqual(await ids({ startAfter: Date.parse(at(2)), startBefore: Date.parse(at(4)) }), [
      'exec-b04x',
      'exec-b04',
      'exec-b03',
      'exec-b02',
    ]);
    assert.deepEqual(await ids({ endAfter: Date.parse(at(38)) }), ['exec-b10', 'exec-b09', 'exec-b08']);
    assert.deepEqual(await ids({ endBefore: Date.parse(at(31)) }), ['exec-b01', 'exec-b00']);
    assert.deepEqual(await ids({ tags: { env: 'prod', team: 'ops' }, status: 'Success' }), [
      'exec-b09',
      'exec-b05',
      'exec-b01',
    ]);
    assert.deepEqual(await ids({ tags: { env: 'prod', team: 'dev' } }), []);
    assert.deepEqual(await ids({ description: 'Weekly' }), ['exec-b07']);
    assert.deepEqual(await ids({ description: 'weekly' }), []);

    const paged: string[] = [];
    let cursor: Parameters<Archive['listRuns']>[2];
    let pages = 0;
    do {
      const page = await archive.listRuns({}, 5, cursor);
      paged.push(...page.items.map((e) => e.id));
      cursor = page.next;
      pages++;
    } while (cursor);
    assert.deepEqual(paged, all);
    assert.equal(pages, 3);
    const exact = await archive.listRuns({ status: 'Failed' }, 3);
    assert.equal(exact.next, undefined, 'no next page when the page holds the last one');
    assert.deepEqual(exact.items[0], (await archive.run('exec-b11'))?.execution);
  });

  test('audit: votes in a date range, oldest first, paged, with template version and hash', async () => {
    const { archive } = await fresh();
    const vote = (voter: string, minute: number, level = 0, extra: Partial<ChannelVote> = {}): ChannelVote => ({
      voter,
      decision: 'AGREE',
      date: at(minute),
      level,
      ...extra,
    });
    await archive.putRun(runOf('exec-c01'), undefined, 'sha256:c01');
    await archive.putTicket(ticketOf('1', 'exec-c01', [vote('bob', 10), vote('carol', 11, 1, { channel: 'mail' })]));
    await archive.putTicket(ticketOf('2', 'exec-c02', [vote('dave', 12, 0, { comment: 'no', decision: 'REJECT' })]), {
      templateHash: 'sha256:t2',
    });
    await archive.putTicket(ticketOf('3', undefined, [vote('erin', 13), vote('bob', 13)]));
    await archive.putTicket(ticketOf('4', undefined, [vote('zed', 40)]));

    const first = await archive.audit({ since: Date.parse(at(10)), until: Date.parse(at(40)), limit: 2 });
    assert.deepEqual(first.records, [
      {
        WorkflowInstanceId: '1',
        ExecutionId: 'exec-c01',
        TemplateName: 'archive-demo',
        TemplateVersion: 'v3',
        TemplateHash: 'sha256:c01',
        Level: 0,
        Approver: 'bob',
        Decision: 'AGREE',
        Date: at(10),
      },
      {
        WorkflowInstanceId: '1',
        ExecutionId: 'exec-c01',
        TemplateName: 'archive-demo',
        TemplateVersion: 'v3',
        TemplateHash: 'sha256:c01',
        Level: 1,
        Approver: 'carol',
        Decision: 'AGREE',
        Channel: 'mail',
        Date: at(11),
      },
    ]);
    assert.ok(first.next);
    const second = await archive.audit({
      since: Date.parse(at(10)),
      until: Date.parse(at(40)),
      limit: 2,
      cursor: first.next,
    });
    assert.deepEqual(second.records[0], {
      WorkflowInstanceId: '2',
      ExecutionId: 'exec-c02',
      TemplateName: 'archive-demo',
      TemplateHash: 'sha256:t2',
      Level: 0,
      Approver: 'dave',
      Decision: 'REJECT',
      Comment: 'no',
      Date: at(12),
    });
    assert.deepEqual(
      second.records.slice(1).map((r) => [r.WorkflowInstanceId, r.Approver]),
      [['3', 'bob']],
    );
    const third = await archive.audit({
      since: Date.parse(at(10)),
      until: Date.parse(at(40)),
      limit: 2,
      cursor: second.next,
    });
    assert.deepEqual(
      third.records.map((r) => r.Approver),
      ['erin'],
    );
    assert.equal(third.next, undefined, 'the vote at the range end is not in it');
    const open = await archive.audit({ since: Date.parse(at(13)), limit: 10 });
    assert.deepEqual(
      open.records.map((r) => r.Approver),
      ['bob', 'erin', 'zed'],
    );
    await assert.rejects(archive.audit({ since: 0, limit: 1, cursor: 'bogus' }), { code: 'InvalidParameter' });
  });

  test('a write held past the statement timeout fails ArchiveUnavailable, and a retry then succeeds', async () => {
    const { archive: first, schema } = await fresh();
    await first.putRun(runOf('exec-e01'));
    const slow = await Archive.connect(url, { schema, statementTimeoutMs: 200 });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "${schema}".executions WHERE id = 'exec-e01' FOR UPDATE`);
      const changed = runOf('exec-e01', { status: 'Failed' });
      await assert.rejects(slow.putRun(changed), { code: 'ArchiveUnavailable' });
      await holder.query('ROLLBACK');
      await slow.putRun(changed);
      assert.equal((await first.run('exec-e01'))?.execution.status, 'Failed');
    } finally {
      await holder.end();
      await slow.close();
    }
  });

  test('PostgreSQL unreachable: connect and ping fail with the stable code ArchiveUnavailable', async () => {
    const closed = await freePort();
    await assert.rejects(Archive.connect(`postgres://postgres@127.0.0.1:${closed}/test`, { schema: testSchema() }), {
      code: 'ArchiveUnavailable',
    });

    // An archive that was up and went away: a proxy in front of the real server, then shut.
    const { archive: up, schema } = await fresh();
    const proxy = await tcpProxy(new URL(url));
    const target = new URL(url);
    target.port = String(proxy.port);
    const archive = await Archive.connect(target.href, { schema });
    await archive.ping();
    await archive.putRun(runOf('exec-d01'));
    await proxy.close();
    const err = await archive.ping().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpsgateError, String(err));
    assert.equal(err.code, 'ArchiveUnavailable');
    assert.equal(err.status, 503);
    await assert.rejects(archive.putRun(runOf('exec-d02')), { code: 'ArchiveUnavailable' });
    await archive.close();
    assert.equal(await up.hasRun('exec-d01'), true);
    assert.equal(await up.hasRun('exec-d02'), false, 'a failed write leaves nothing half written');
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** Forwards a loopback port to the server of `url` until closed (then drops every connection). */
async function tcpProxy(url: URL): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((down) => {
    const up = connect(Number(url.port || 5432), url.hostname);
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
