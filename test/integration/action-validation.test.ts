import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { callApi, startOpsgate, type Opsgate } from '../support/harness.js';

const TOKEN = 'api-token-for-tests-0123456789';
const approval = (props: string) =>
  `FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: approveDeploy\n    Action: ACS::Approve\n    Properties:\n` +
  `${props}  - Name: deploy\n    Action: ACS::Sleep\n    Properties: { Duration: PT1S }\n`;
const calling = (action: string) =>
  `FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: step\n    Action: ${action}\n    Properties: {}\n`;

/** Issue 13: a template whose actions or their Properties are wrong is refused when it is stored, not when it runs. */
describe('the template API checks every action and its Properties', () => {
  let og: Opsgate;
  before(async () => {
    og = await startOpsgate({ worker: false, env: { OPSGATE_API_TOKENS: `alice:${TOKEN}` } });
  });
  after(async () => {
    await og.close();
  });

  const call = (action: string, body: unknown) => callApi(og, TOKEN, action, body);

  const refusesApprovalsTypo =
    'CreateTemplate refuses MinRequiredApprovls: 2 (a typo that would lower the approval to one person)';
  test(refusesApprovalsTypo, async () => {
    const r = await call('CreateTemplate', {
      TemplateName: 'typo-approval',
      Content: approval('      Approvers: [bob, carol]\n      MinRequiredApprovls: 2\n'),
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.Code, 'InvalidTemplate');
    assert.match(
      r.body.Message,
      new RegExp(
        /Tasks\[0\]\.Properties\.MinRequiredApprovls \(line 7, column 7\): /.source +
          /unknown key MinRequiredApprovls \(did you mean MinRequiredApprovals\?\)/.source,
      ),
    );
    assert.equal((await call('GetTemplate', { TemplateName: 'typo-approval' })).status, 404);
  });

  test('CreateTemplate and UpdateTemplate refuse a misspelt action and wrong types, naming them', async () => {
    const misspelt = await call('CreateTemplate', { TemplateName: 'misspelt', Content: calling('ACS::Aprove') });
    assert.equal(misspelt.status, 400);
    assert.match(
      misspelt.body.Message,
      /Tasks\[0\]\.Action \(line 4, column 13\): unknown action ACS::Aprove \(did you mean ACS::Approve\?\)/,
    );
    assert.equal(
      (await call('CreateTemplate', { TemplateName: 'later', Content: approval('      Approvers: [bob]\n') })).status,
      200,
    );
    const update = await call('UpdateTemplate', { TemplateName: 'later', Content: approval('      Approvers: 5\n') });
    assert.equal(update.status, 400);
    assert.match(
      update.body.Message,
      /Tasks\[0\]\.Properties\.Approvers \(line 6, column 18\): must be a list of directory users or group:NAME, got 5/,
    );
    const check = await call('ValidateTemplateContent', { Content: calling('ACS::ExecuteHttpRequst') });
    assert.equal(check.status, 400);
    assert.match(
      check.body.Message,
      /unknown action ACS::ExecuteHttpRequst \(did you mean ACS::ExecuteHttpRequest\?\)/,
    );
  });

  test('an action that names a template is taken only when that template is in the store', async () => {
    const unknown = await call('CreateTemplate', { TemplateName: 'parent', Content: calling('two-approvls') });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.Message, /unknown action two-approvls \(did you mean two-approvals\?\)/);
    assert.equal(
      (await call('CreateTemplate', { TemplateName: 'parent', Content: calling('two-approvals') })).status,
      200,
    );
    assert.equal((await call('ValidateTemplateContent', { Content: calling('parent') })).status, 200);
    // Product actions are Alibaba's own templates: taken by their form, as OOS does.
    assert.equal((await call('ValidateTemplateContent', { Content: calling('ACS::ECS::RebootInstance') })).status, 200);
  });
});
