import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Target } from '../fakes/target.js';
import {
  callApi,
  consolePost,
  signIn,
  sleep,
  startOpsgate,
  until,
  waitingTicket,
  type Opsgate,
} from '../support/harness.js';

const TOKENS = {
  alice: 'alice-token-0123456789',
  bob: 'bob-token-0123456789ab',
  carol: 'carol-token-0123456789',
  dave: 'dave-token-0123456789a',
};

/**
 * The gate holds, tried through the API as a holder of one ordinary token would try it: Debug and
 * FailurePause words, other people's templates and runs, a cancelled run's ticket.
 * (dave is in the directory group admins.)
 */
describe('no way around an approval', () => {
  let og: Opsgate;
  let target: Target;
  before(async () => {
    target = await new Target().start();
    og = await startOpsgate({
      env: {
        OPSGATE_TEMPLATES: 'test/fixtures/runbooks:test/fixtures/gate',
        OPSGATE_POLICIES: 'test/fixtures/gate/policies.yaml',
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

  const call = (action: string, body: unknown, who: keyof typeof TOKENS = 'alice') =>
    callApi(og, TOKENS[who], action, body);
  const start = async (template: string, extra: Record<string, unknown> = {}, who: keyof typeof TOKENS = 'alice') => {
    const r = await call(
      'StartExecution',
      { TemplateName: template, Parameters: { target: target.base }, ...extra },
      who,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.Execution.ExecutionId as string;
  };
  const exec = (id: string) => og.rt.executionStore.get(id);
  const waitingAt = (id: string, task: string, message?: RegExp) =>
    until(async () => {
      const e = await exec(id);
      return e.status === 'Waiting' && e.current === task && (!message || message.test(e.statusMessage ?? '')) && e;
    }, `${id} waiting at ${task}`);

  const debugCannotJumpApproval =
    'Debug: ExecuteTask cannot jump over the approval; no ticket is skipped and the guarded task never runs';
  test(debugCannotJumpApproval, async () => {
    const id = await start('guarded', { Mode: 'Debug' });
    await waitingAt(id, 'prepare');
    const jump = await call('NotifyExecution', { ExecutionId: id, NotifyType: 'ExecuteTask', TaskName: 'deploy' });
    assert.equal(jump.status, 403);
    assert.equal(jump.body.Code, 'Forbidden.ApprovalGate');
    assert.match(jump.body.Message, /cannot jump to deploy: it comes after approval approve, which is not approved/);
    // Stepping on asks for the approval; from there too, jumping on is refused.
    assert.equal((await call('NotifyExecution', { ExecutionId: id, NotifyType: 'ExecuteTask' })).status, 200);
    await waitingAt(id, 'approve');
    assert.equal((await call('NotifyExecution', { ExecutionId: id, NotifyType: 'ExecuteTask' })).status, 200);
    const ticket = await waitingTicket(og, id);
    for (const word of ['ExecuteTask', 'CancelTask'] as const) {
      const r = await call('NotifyExecution', {
        ExecutionId: id,
        NotifyType: word,
        TaskName: word === 'ExecuteTask' ? 'deploy' : undefined,
      });
      assert.equal(r.status, 403, word);
      assert.equal(r.body.Code, 'Forbidden.ApprovalGate');
    }
    const complete = await call('NotifyExecution', {
      ExecutionId: id,
      NotifyType: 'CompleteExecution',
      ExecutionStatus: 'Success',
    });
    assert.equal(complete.status, 403);
    assert.match(complete.body.Message, /before approval approve is approved/);
    await sleep(300);
    assert.equal(target.hitsTo('/deploy').length, 0);
    // Once bob approves, the next step runs when told to.
    assert.equal((await call('NotifyExecution', { ExecutionId: id, NotifyType: 'Approve' }, 'bob')).status, 200);
    await waitingAt(id, 'deploy');
    assert.equal((await og.rt.approvals.get(ticket)).status, 'APPROVED');
    assert.equal((await call('NotifyExecution', { ExecutionId: id, NotifyType: 'ExecuteTask' })).status, 200);
    await until(async () => (await exec(id)).status === 'Success', 'the run to finish');
    assert.equal(target.hitsTo('/deploy').length, 1);
  });

  test('Debug: an approval policy is not jumped over either', async () => {
    const id = await start('pause-then-call', { Mode: 'Debug' });
    await waitingAt(id, 'opsgate:policy');
    const r = await call('NotifyExecution', { ExecutionId: id, NotifyType: 'ExecuteTask', TaskName: 'go' });
    assert.equal(r.status, 403);
    assert.match(r.body.Message, /approval policy/);
    // A word recorded before the check cannot do it either: the driver asks the gate again.
    await og.rt.executions.signal(id, 'execute', { TaskName: 'go' });
    await waitingAt(id, 'opsgate:policy', /cannot jump to go/);
    await sleep(200);
    assert.equal(target.hitsTo('/after-pause').length, 0);
    assert.equal((await exec(id)).tasks.go, undefined);
  });

  test('FailurePause: SkipTask cannot pass a failed approval; RetryTask asks again with a fresh ticket', async () => {
    const deployed = target.hitsTo('/deploy').length;
    const id = await start('self-only', { Mode: 'FailurePause' });
    const paused = await until(async () => {
      const e = await exec(id);
      return e.pausedOnFailure && e;
    }, 'the failed approval to pause');
    const first = String(paused.tasks.approve!.data?.ticketId ?? (await og.rt.tickets.ofExecution(id))[0]);
    assert.match(paused.statusMessage!, /nobody|alice/);
    const skip = await call('NotifyExecution', { ExecutionId: id, NotifyType: 'SkipTask' });
    assert.equal(skip.status, 403);
    assert.equal(skip.body.Code, 'Forbidden.ApprovalGate');
    assert.match(skip.body.Message, /approve is an approval step: it cannot be skipped/);
    // Recorded behind the API's back, the skip is refused by the driver as well.
    await og.rt.executions.signal(id, 'skip');
    await until(
      async () => /SkipTask refused/.test((await exec(id)).statusMessage ?? ''),
      'the driver to refuse the skip',
    );
    assert.equal(target.hitsTo('/deploy').length, deployed);
    assert.equal((await call('NotifyExecution', { ExecutionId: id, NotifyType: 'RetryTask' })).status, 200);
    await until(async () => (await og.rt.tickets.ofExecution(id)).length === 2, 'a second ticket');
    const tickets = await og.rt.tickets.ofExecution(id);
    assert.ok(tickets.includes(first));
    assert.equal(new Set(tickets).size, 2);
    assert.equal(target.hitsTo('/deploy').length, deployed);
  });

  const templatesHaveOwners =
    'templates have owners: only the creator and admins change them; files are read-only through the API';
  test(templatesHaveOwners, async () => {
    const content =
      'FormatVersion: OOS-2019-06-01\nTasks:\n  - { Name: approve, Action: ACS::Approve, Properties: { ' +
      'Approvers: [carol] } }\n';
    assert.equal((await call('CreateTemplate', { TemplateName: 'bobs-runbook', Content: content }, 'bob')).status, 200);
    const stripped =
      'FormatVersion: OOS-2019-06-01\nTasks:\n  - { Name: wait, Action: ACS::Sleep, Properties: { Duration: PT1S } }\n';
    const update = await call('UpdateTemplate', { TemplateName: 'bobs-runbook', Content: stripped }, 'alice');
    assert.equal(update.status, 403);
    assert.equal(update.body.Code, 'Forbidden.TemplateOwner');
    assert.match(update.body.Message, /belongs to bob/);
    assert.equal(
      (await call('DeleteTemplate', { TemplateName: 'bobs-runbook' }, 'alice')).body.Code,
      'Forbidden.TemplateOwner',
    );
    assert.equal(
      (await call('GetTemplate', { TemplateName: 'bobs-runbook' }, 'alice')).body.Template.TemplateVersion,
      'v1',
    );
    assert.equal(
      (await call('UpdateTemplate', { TemplateName: 'bobs-runbook', Content: `${stripped}# v2\n` }, 'bob')).status,
      200,
    );
    assert.equal(
      (await call('UpdateTemplate', { TemplateName: 'bobs-runbook', Content: content }, 'dave')).status,
      200,
    );
    // A runbook loaded from OPSGATE_TEMPLATES: not even an admin changes it through the API.
    for (const [action, body] of [
      ['UpdateTemplate', { TemplateName: 'guarded', Content: stripped }],
      ['DeleteTemplate', { TemplateName: 'guarded' }],
    ] as const) {
      const r = await call(action, body, 'dave');
      assert.equal(r.status, 403, action);
      assert.equal(r.body.Code, 'Forbidden.ReadOnlyTemplate');
    }
    assert.equal((await call('GetTemplate', { TemplateName: 'guarded' })).body.Template.TemplateVersion, 'v1');
    assert.equal((await call('DeleteTemplate', { TemplateName: 'bobs-runbook' }, 'bob')).status, 200);
  });

  test('runs have owners: only the starter and admins cancel or steer; a Pause also by nobody else', async () => {
    const id = await start('guarded', { Mode: 'Debug' });
    await waitingAt(id, 'prepare');
    for (const [action, body] of [
      ['CancelExecution', { ExecutionId: id }],
      ['NotifyExecution', { ExecutionId: id, NotifyType: 'ExecuteTask' }],
    ] as const) {
      const r = await call(action, body, 'bob');
      assert.equal(r.status, 403, action);
      assert.equal(r.body.Code, 'Forbidden.ExecutionOwner');
    }
    assert.equal((await exec(id)).status, 'Waiting');
    assert.equal((await call('CancelExecution', { ExecutionId: id }, 'dave')).status, 200);
    assert.equal((await exec(id)).status, 'Cancelled');

    const paused = await start('pause-then-call', {}, 'bob');
    // The policy asks carol first; then the Pause waits for a word from bob (or an admin).
    await waitingTicket(og, paused);
    const policy = await call('NotifyExecution', { ExecutionId: paused, NotifyType: 'Approve' }, 'carol');
    assert.equal(policy.status, 200, JSON.stringify(policy.body));
    await until(async () => {
      const e = await exec(paused);
      return e.current === 'hold' && e.status === 'Waiting' && e;
    }, `${paused} to wait at hold`).catch(async (err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await exec(paused))}`);
    });
    const resume = await call('NotifyExecution', { ExecutionId: paused, NotifyType: 'Approve' }, 'alice');
    assert.equal(resume.status, 403);
    assert.equal(resume.body.Code, 'Forbidden.ExecutionOwner');
    assert.equal((await call('NotifyExecution', { ExecutionId: paused, NotifyType: 'Approve' }, 'bob')).status, 200);
    await until(async () => (await exec(paused)).status === 'Success', 'the paused run to go on');
  });

  const aRunbookThat =
    'a runbook that asks for approval starts only for a directory user (the CLI, a token of someone unknown)';
  test(aRunbookThat, async () => {
    for (const owner of [undefined, 'mallory']) {
      await assert.rejects(
        og.rt.executions.start({
          templateName: 'guarded',
          parameters: { target: target.base },
          owner,
          origin: { platform: 'cli' },
        }),
        (err: Error & { code?: string }) =>
          err.code === 'Forbidden.DirectoryUser' &&
          /must be started by someone in the opsgate directory/.test(err.message),
      );
    }
    const free = await og.rt.executions.start({
      templateName: 'no-approval',
      parameters: {},
      owner: undefined,
      origin: { platform: 'cli' },
    });
    assert.ok(free.id);
  });

  const cancellingClosesThe =
    'cancelling closes the ticket: the card loses its buttons, votes are refused, the waiting list drops it';
  test(cancellingClosesThe, async () => {
    const deployed = target.hitsTo('/deploy').length;
    const cookie = await signIn(og, TOKENS.alice);
    const r = await consolePost(og, '/console/command', { text: `run guarded target=${target.base}` }, cookie);
    assert.equal(r.status, 200);
    const started = await until(
      async () =>
        (await og.rt.executionStore.recent(20)).find(
          (e) => e.templateName === 'guarded' && e.origin.platform === 'console' && e.status === 'Waiting',
        ),
      'the console run to wait',
    );
    const ticket = await waitingTicket(og, started.id);
    assert.ok((await og.rt.tickets.open()).some((t) => t.id === ticket));
    assert.equal((await call('CancelExecution', { ExecutionId: started.id })).status, 200);
    const closed = await og.rt.approvals.get(ticket);
    assert.equal(closed.status, 'CANCEL');
    assert.equal(closed.closeCode, 'cancelled');
    assert.match(closed.reason!, /cancelled by alice/);
    assert.ok(!(await og.rt.tickets.open()).some((t) => t.id === ticket));
    const vote = await call('ApproveOrder', { WorkflowInstanceId: ticket, ApprovalType: 'AGREE' }, 'bob');
    assert.equal(vote.status, 403);
    assert.match(vote.body.ErrorMessage, /already cancelled \(execution .* cancelled/);
    const detail = await call('GetApprovalDetail', { WorkflowInstanceId: ticket }, 'bob');
    assert.equal(detail.body.ApprovalDetail.OrderStatus ?? detail.body.ApprovalDetail.Status ?? 'CANCEL', 'CANCEL');
    const state = async () =>
      (
        (await (await fetch(`${og.url}/console/state`, { headers: { cookie } })).json()) as {
          messages: { card?: { ticketId: string; buttons: unknown[]; outcome?: string } }[];
        }
      ).messages;
    const card = await until(
      async () => (await state()).find((m) => m.card?.ticketId === ticket && m.card.outcome),
      'the card to say it was cancelled',
    );
    assert.deepEqual(card.card!.buttons, []);
    assert.match(card.card!.outcome!, /^Cancelled: execution .* cancelled by alice/);
    await sleep(200);
    assert.equal(target.hitsTo('/deploy').length, deployed);
  });
});
