import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startOpsgate, type Opsgate } from '../support/harness.js';

const TOKEN = 'api-token-for-language-tests-01';
const BROKEN = 'FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: pause\n    Properties:\n      Duration: PT1M\n';

describe('/api answers in the caller language', () => {
  let og: Opsgate;
  before(async () => {
    og = await startOpsgate({ worker: false, env: { OPSGATE_API_TOKENS: `alice:${TOKEN}` } });
  });
  after(async () => {
    await og.close();
  });

  const call = async (action: string, body: unknown, language?: string, token = TOKEN) => {
    const r = await fetch(`${og.url}/api/${action}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(language ? { 'accept-language': language } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  test('without Accept-Language, or asking for English, Messages are as OOS writes them', async () => {
    for (const language of [undefined, 'en-US,en;q=0.9', 'fr']) {
      const missing = await call('GetTemplate', {}, language);
      assert.deepEqual([missing.status, missing.body.Code], [400, 'MissingParameter']);
      assert.equal(missing.body.Message, 'TemplateName is mandatory for this action.');
      const version = await call('GetTemplate', { TemplateName: 'x', TemplateVersion: 'latest' }, language);
      assert.equal(version.body.Message, 'TemplateVersion: must be v1 to v200');
      const many = await call('ListExecutions', { MaxResults: 5000 }, language);
      assert.equal(many.body.Message, 'MaxResults: must be at most 100');
      const none = await call('Frobnicate', {}, language);
      assert.deepEqual([none.status, none.body.Code], [404, 'InvalidAction.NotFound']);
      assert.equal(none.body.Message, 'there is no action Frobnicate');
    }
  });

  test('a zh-CN caller gets Chinese Messages with the same codes', async () => {
    const zh = 'zh-CN,zh;q=0.9,en;q=0.8';
    const missing = await call('GetTemplate', {}, zh);
    assert.deepEqual([missing.status, missing.body.Code], [400, 'MissingParameter']);
    assert.equal(missing.body.Message, '此操作必须提供 TemplateName。');
    const version = await call('GetTemplate', { TemplateName: 'x', TemplateVersion: 'latest' }, zh);
    assert.deepEqual([version.status, version.body.Code], [400, 'InvalidParameter']);
    assert.equal(version.body.Message, 'TemplateVersion：必须是 v1 到 v200');
    const many = await call('ListExecutions', { MaxResults: 5000 }, zh);
    assert.equal(many.body.Message, 'MaxResults：不能大于 100');
    const mode = await call('ListExecutions', { Mode: 'Sometimes' }, zh);
    assert.equal(mode.body.Code, 'InvalidParameter');
    assert.match(mode.body.Message, /^Mode：.*[\u4e00-\u9fff]/);
    const none = await call('Frobnicate', {}, zh);
    assert.deepEqual([none.status, none.body.Code], [404, 'InvalidAction.NotFound']);
    assert.equal(none.body.Message, '没有名为 Frobnicate 的操作');
    const gone = await call('GetTemplate', { TemplateName: 'nosuch' }, zh);
    assert.deepEqual([gone.status, gone.body.Code], [404, 'EntityNotExists.Template']);
    assert.equal(gone.body.Message, '模板 nosuch 不存在');
    const wrongToken = await call('GetTemplate', { TemplateName: 'x' }, zh, 'not-a-token-of-ours-at-all');
    assert.deepEqual([wrongToken.status, wrongToken.body.Code], [401, 'InvalidAuthorization']);
    assert.equal(wrongToken.body.Message, '需要有效的 Bearer 令牌');
  });

  test('DMS-style answers follow the language too', async () => {
    const r = await call('ApproveOrder', { WorkflowInstanceId: 'abc', ApprovalType: 'AGREE' }, 'zh-CN');
    assert.equal(r.body.Success, false);
    assert.equal(r.body.ErrorCode, 'InvalidParameter');
    assert.equal(r.body.ErrorMessage, 'WorkflowInstanceId：必须是审批单编号');
    const en = await call('ApproveOrder', { WorkflowInstanceId: 'abc', ApprovalType: 'AGREE' });
    assert.equal(en.body.ErrorMessage, 'WorkflowInstanceId: must be a ticket number');
  });

  test('template problems come in the caller language, the header and the list alike', async () => {
    const en = await call('ValidateTemplateContent', { Content: BROKEN });
    assert.equal(en.body.Code, 'InvalidTemplate');
    assert.match(en.body.Message, /^Tasks\[0\]\.Action \(line 3, column 5\): /);
    const zh = await call('ValidateTemplateContent', { Content: BROKEN }, 'zh-CN');
    assert.equal(zh.body.Code, 'InvalidTemplate');
    assert.match(zh.body.Message, /^Tasks\[0\]\.Action（第 3 行，第 5 列）：/);
    const created = await call('CreateTemplate', { TemplateName: 'broken', Content: BROKEN }, 'zh-CN');
    assert.deepEqual([created.status, created.body.Code], [400, 'InvalidTemplate']);
    assert.match(created.body.Message, /^[^\n]*无效[^\n]*\n {2}Tasks\[0\]\.Action（第 3 行，第 5 列）：/);
    const enCreated = await call('CreateTemplate', { TemplateName: 'broken', Content: BROKEN });
    assert.match(enCreated.body.Message, /^broken is invalid:\n {2}Tasks\[0\]\.Action/);
    const big = await call('ValidateTemplateContent', { Content: `# ${'x'.repeat(70 * 1024)}` }, 'zh-CN');
    assert.deepEqual([big.body.Code, big.body.Message], ['InvalidParameter', 'Content 超过 64 KB']);
  });
});
