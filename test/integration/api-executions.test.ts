import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Execution } from '../../src/engine/types.js';
import { Target } from '../fakes/target.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';

const TOKENS = {
  alice: 'alice-token-0123456789',
  bob: 'bob-token-0123456789ab',
  carol: 'carol-token-0123456789',
  dave: 'dave-token-0123456789a',
};

describe('executions through /api', () => {
  let og: Opsgate;
  let target: Target;
  before(async () => {
    target = await new Target().start();
    og = await startOpsgate({
      env: {
        OPSGATE_TEMPLATES: 'test/fixtures/runbooks:test/fixtures/engine',
        OPSGATE_API_TOKENS: Object.entries(TOKENS)
          .map(([n, t]) => `${n}:${t}`)
          .join(','),
      },
    });
  });
  after(async () => {
    await og.close();
    await target.stop();
  });

  const call = async (action: string, body: unknown, who: keyof typeof TOKENS = 'alice') => {
    const r = await fetch(`${og.url}/api/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  const status = async (id: string, want: string[]) =>
    until(
      async () => {
        const r = await call('ListExecutions', { ExecutionId: id });
        const e = r.body.Executions[0];
        return want.includes(e?.Status) && e;
      },
      `${id} ${want.join('/')}`,
      15_000,
    );

  test('StartExecution checks Parameters, answers the Execution, and a ClientToken starts once', async () => {
    const body = {
      TemplateName: 'two-approvals',
      Parameters: JSON.stringify({ target: target.url }),
      ClientToken: 'once-1',
      Description: 'from the API',
      Tags: { team: 'sre' },
    };
    const [a, b] = await Promise.all([call('StartExecution', body), call('StartExecution', body)]);
    assert.equal(a.status, 200);
    assert.equal(a.body.Execution.ExecutionId, b.body.Execution.ExecutionId);
    const e = a.body.Execution;
    assert.match(e.ExecutionId, /^exec-[0-9a-f]{20}$/);
    assert.equal(e.TemplateName, 'two-approvals');
    assert.equal(e.TemplateVersion, 'v1');
    assert.equal(e.Mode, 'Automatic');
    assert.equal(e.ExecutedBy, 'alice');
    assert.deepEqual(e.Parameters, { target: target.url, service: 'billing-api' });
    assert.match(e.CreateDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const listed = await call('ListExecutions', { TemplateName: 'two-approvals', Tags: '{"team":"sre"}' });
    assert.equal(listed.body.Executions.length, 1);
    const bad = await call('StartExecution', { TemplateName: 'two-approvals', Parameters: { service: 7 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.Code, 'InvalidParameter');
    assert.equal(bad.body.Message, 'target: is required (String)');
    assert.equal((await call('StartExecution', { TemplateName: 'nope' })).body.Code, 'EntityNotExists.Template');
  });

  test('NotifyExecution Approve by the approvers finishes it; others are refused', async () => {
    const started = await call('StartExecution', { TemplateName: 'two-approvals', Parameters: { target: target.url } });
    const id = started.body.Execution.ExecutionId;
    const w = await status(id, ['Waiting']);
    assert.deepEqual(
      w.CurrentTasks.map((t: { TaskName: string }) => t.TaskName),
      ['approve'],
    );
    const refused = await call('NotifyExecution', { ExecutionId: id, NotifyType: 'Approve' }, 'dave');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.Code, 'Forbidden');
    assert.equal(
      (await call('NotifyExecution', { ExecutionId: id, NotifyType: 'Approve', NotifyNote: 'ok' }, 'bob')).status,
      200,
    );
    assert.equal(
      (await call('NotifyExecution', { ExecutionId: id, NotifyType: 'Approve' }, 'bob')).body.Code,
      'InvalidStatus.Execution',
    );
    await call('NotifyExecution', { ExecutionId: id, NotifyType: 'Approve' }, 'carol');
    const done = await status(id, ['Success']);
    const ticket = await og.rt.approvals.get(
      String((await og.rt.executionStore.get(id)).tasks.approve!.data!.ticketId),
    );
    assert.deepEqual(ticket.votes.map((v) => [v.voter, v.channel, v.comment]).sort(), [
      ['bob', 'api', 'ok'],
      ['carol', 'api', undefined],
    ]);
    assert.deepEqual(JSON.parse(done.Outputs), { answer: `hit ${target.hits.length}` });
    assert.deepEqual(done.Counters, {
      Total: 2,
      Success: 2,
      Failed: 0,
      Running: 0,
      Waiting: 0,
      Cancelled: 0,
      Skipped: 0,
    });
    const tasks = await call('ListTaskExecutions', { ExecutionId: id });
    assert.deepEqual(
      tasks.body.TaskExecutions.map((t: { TaskName: string; Status: string }) => [t.TaskName, t.Status]),
      [
        ['approve', 'Success'],
        ['deploy', 'Success'],
      ],
    );
    assert.equal(tasks.body.TaskExecutions[0].ExtraData.TicketId !== undefined, true);
  });

  test('NotifyExecution Reject cancels; CancelExecution cancels', async () => {
    const a = (await call('StartExecution', { TemplateName: 'two-approvals', Parameters: { target: target.url } })).body
      .Execution.ExecutionId;
    await status(a, ['Waiting']);
    await call('NotifyExecution', { ExecutionId: a, NotifyType: 'Reject', NotifyNote: 'not now' }, 'carol');
    assert.match((await status(a, ['Cancelled'])).StatusMessage, /rejected: carol: not now/);
    const b = (await call('StartExecution', { TemplateName: 'pause', Parameters: { base: target.base } })).body
      .Execution.ExecutionId;
    await status(b, ['Waiting']);
    assert.equal((await call('CancelExecution', { ExecutionId: b })).status, 200);
    assert.equal((await status(b, ['Cancelled'])).StatusMessage, 'cancelled by alice');
    assert.equal(
      (await call('NotifyExecution', { ExecutionId: b, NotifyType: 'Approve' })).body.Code,
      'InvalidStatus.Execution',
    );
    assert.equal((await call('CancelExecution', { ExecutionId: 'exec-0000' })).status, 404);
  });

  test('Debug: ExecuteTask runs a task, CompleteExecution ends the run', async () => {
    const id = (
      await call('StartExecution', { TemplateName: 'pause', Parameters: { base: target.base }, Mode: 'Debug' })
    ).body.Execution.ExecutionId;
    await status(id, ['Waiting']);
    assert.equal((await call('RetryTask' as string, {})).status, 404);
    await call('NotifyExecution', { ExecutionId: id, NotifyType: 'ExecuteTask', TaskName: 'go' });
    await until(
      async () =>
        (await call('ListTaskExecutions', { ExecutionId: id, TaskName: 'go', Status: 'Success' })).body.TaskExecutions
          .length === 1,
      'go to run',
    );
    const done = await status(id, ['Success']);
    assert.equal(done.Status, 'Success');
    const id2 = (
      await call('StartExecution', { TemplateName: 'pause', Parameters: { base: target.base }, Mode: 'Debug' })
    ).body.Execution.ExecutionId;
    await status(id2, ['Waiting']);
    await call('NotifyExecution', {
      ExecutionId: id2,
      NotifyType: 'CompleteExecution',
      ExecutionStatus: 'Failed',
      NotifyNote: 'enough',
    });
    assert.equal((await status(id2, ['Failed'])).StatusMessage, 'enough');
  });

  test('FailurePause: RetryTask and SkipTask', async () => {
    const id = (
      await call('StartExecution', {
        TemplateName: 'flaky-once',
        Parameters: { base: target.base, key: 'api-fp', failures: 1 },
        Mode: 'FailurePause',
      })
    ).body.Execution.ExecutionId;
    await status(id, ['Waiting']);
    assert.equal((await call('NotifyExecution', { ExecutionId: id, NotifyType: 'ExecuteTask' })).status, 409);
    await call('NotifyExecution', { ExecutionId: id, NotifyType: 'RetryTask' });
    await status(id, ['Success']);
  });

  test('ListTaskExecutions shows loop items as child task executions; ListExecutions pages', async () => {
    const id = (await call('StartExecution', { TemplateName: 'loop', Parameters: { base: target.base } })).body
      .Execution.ExecutionId;
    await status(id, ['Success']);
    const all = await call('ListTaskExecutions', { ExecutionId: id, IncludeChildTaskExecution: true });
    const loop = all.body.TaskExecutions.find((t: { ParentTaskExecutionId: string }) => !t.ParentTaskExecutionId);
    assert.deepEqual(loop.Loop, { Total: 5, Success: 5, Failed: 0 });
    const items = all.body.TaskExecutions.filter(
      (t: { ParentTaskExecutionId: string }) => t.ParentTaskExecutionId === loop.TaskExecutionId,
    );
    assert.equal(items.length, 5);
    assert.deepEqual(JSON.parse(items[0].LoopItem), { name: 'a', weight: 1 });
    for (let i = 0; i < 11; i++)
      await call('StartExecution', { TemplateName: 'loop-errors', Parameters: { base: target.base, paths: [] } });
    const p1 = await call('ListExecutions', { TemplateName: 'loop-errors', MaxResults: 10 });
    assert.equal(p1.body.Executions.length, 10);
    const p2 = await call('ListExecutions', {
      TemplateName: 'loop-errors',
      MaxResults: 10,
      NextToken: p1.body.NextToken,
    });
    assert.equal(p2.body.Executions.length, 1);
  });

  test('ListExecutions through /api: every filter, date ranges, Tags, sorts; an offset token is refused', async () => {
    const base = Date.parse('2002-02-02T00:00:00Z');
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    const id = (n: number) => `exec-${(0xb0000 + n).toString(16)}`;
    const runs: Partial<Execution>[] = [
      { status: 'Success', endDate: at(10), tags: { env: 'prod' } },
      { status: 'Failed', mode: 'Debug', owner: 'frank', endDate: at(20) },
      { status: 'Running', tags: { env: 'dev' } },
      { status: 'Success', parent: { executionId: id(0), taskName: 't', taskExecutionId: 'te' }, endDate: at(12) },
      { status: 'Cancelled', description: 'the nightly one', endDate: at(30) },
    ];
    for (const [n, over] of runs.entries())
      await og.rt.executionStore.create({
        id: id(n),
        templateName: 'listed-x',
        templateVersion: 'v1',
        parameters: {},
        status: 'Success',
        tasks: {},
        origin: { platform: 'api' },
        mode: 'Automatic',
        owner: 'erin',
        createDate: at(n),
        updateDate: at(n),
        ...over,
      });
    const ids = async (body: Record<string, unknown>) => {
      const r = await call('ListExecutions', { TemplateName: 'LISTED-X', ...body });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.Executions.map(
        (e: { ExecutionId: string }) => Number.parseInt(e.ExecutionId.slice(5), 16) - 0xb0000,
      );
    };
    assert.deepEqual(await ids({}), [4, 2, 1, 0]);
    assert.deepEqual(await ids({ IncludeChildExecution: true }), [4, 3, 2, 1, 0]);
    assert.deepEqual(await ids({ Status: 'Failed' }), [1]);
    assert.deepEqual(await ids({ ExecutedBy: 'frank' }), [1]);
    assert.deepEqual(await ids({ Mode: 'Debug' }), [1]);
    assert.deepEqual(await ids({ ParentExecutionId: id(0) }), [3]);
    assert.deepEqual(await ids({ Tags: '{"env":"prod"}' }), [0]);
    assert.deepEqual(await ids({ Description: 'nightly' }), [4]);
    assert.deepEqual(await ids({ StartDateAfter: at(1), StartDateBefore: at(2) }), [2, 1]);
    assert.deepEqual(await ids({ EndDateBefore: at(15), IncludeChildExecution: true }), [3, 0]);
    assert.deepEqual(await ids({ SortField: 'EndDate', SortOrder: 'Ascending' }), [2, 0, 1, 4]);
    assert.deepEqual(await ids({ SortField: 'EndDate' }), [4, 1, 0, 2]);
    assert.deepEqual(await ids({ SortField: 'Status', SortOrder: 'Ascending' }), [4, 1, 2, 0]);
    const p1 = await call('ListExecutions', { TemplateName: 'listed-x', MaxResults: 10, IncludeChildExecution: true });
    assert.equal(p1.body.NextToken, undefined, 'no NextToken when nothing follows');
    const offset = await call('ListExecutions', { NextToken: Buffer.from('o:10').toString('base64url') });
    assert.equal(offset.status, 400);
    assert.equal(offset.body.Code, 'InvalidParameter');
  });
});
