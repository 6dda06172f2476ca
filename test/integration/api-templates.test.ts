import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startOpsgate, type Opsgate } from '../support/harness.js';

const TOKEN = 'api-token-for-tests-0123456789';
const content = (d: string) =>
  `FormatVersion: OOS-2019-06-01\nDescription: ${d}\nParameters:\n  env: { Type: String, AllowedValues: [dev, ` +
  `prod] }\nTasks:\n  - Name: nap\n    Action: ACS::Sleep\n    Properties: { Duration: PT1S }\n`;
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('the template store through /api', () => {
  let og: Opsgate;
  before(async () => {
    og = await startOpsgate({ env: { OPSGATE_API_TOKENS: `alice:${TOKEN}` } });
  });
  after(async () => {
    await og.close();
  });

  const call = async (action: string, body: unknown, token = TOKEN) => {
    const r = await fetch(`${og.url}/api/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };

  test('GetTemplate answers as the OOS API does, field by field', async () => {
    const file = 'test/fixtures/api/ACS-ECS-CreateImage.yaml';
    await og.rt.templates.loadFolders([file]);
    const r = await call('GetTemplate', { TemplateName: 'ACS-ECS-CreateImage' });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), ['Content', 'RequestId', 'Template']);
    assert.match(r.body.RequestId, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    const source = readFileSync(file, 'utf8');
    assert.equal(r.body.Content, source);
    const t = r.body.Template;
    assert.deepEqual(Object.keys(t).sort(), [
      'CreatedBy',
      'CreatedDate',
      'Description',
      'HasTrigger',
      'Hash',
      'ShareType',
      'Tags',
      'TemplateFormat',
      'TemplateId',
      'TemplateName',
      'TemplateType',
      'TemplateVersion',
      'UpdatedBy',
      'UpdatedDate',
      'VersionName',
    ]);
    assert.equal(t.Hash, createHash('sha256').update(source).digest('hex'));
    assert.equal(
      t.Description,
      '{"en": "Creates an ECS image", "zh-cn": "创建一个ECS镜像", "name-en": "Create Image", "name-zh-cn": "创建镜像", ' +
        '"categories": ["image_manage", "application_manage"]}',
    );
    assert.deepEqual(
      { ...t, Hash: 0, CreatedDate: 0, UpdatedDate: 0, TemplateId: 0, Description: 0 },
      {
        Hash: 0,
        UpdatedDate: 0,
        UpdatedBy: 'ACS',
        TemplateType: 'Automation',
        Tags: {},
        TemplateName: 'ACS-ECS-CreateImage',
        TemplateVersion: 'v1',
        TemplateFormat: 'YAML',
        Description: 0,
        CreatedBy: 'ACS',
        CreatedDate: 0,
        VersionName: 'version1',
        TemplateId: 0,
        HasTrigger: false,
        ShareType: 'Public',
      },
    );
    assert.match(t.CreatedDate, DATE);
    assert.match(t.UpdatedDate, DATE);
    assert.match(t.TemplateId, /^t-[0-9a-f]{20}$/);
  });

  test('create, update (a new version only for new content), get by version, list, delete', async () => {
    const created = await call('CreateTemplate', {
      TemplateName: 'my-runbook',
      Content: content('one'),
      Tags: '{"team":"sre"}',
    });
    assert.equal(created.status, 200);
    assert.equal(created.body.Template.TemplateVersion, 'v1');
    assert.equal(created.body.Template.CreatedBy, 'alice');
    assert.equal(created.body.Template.ShareType, 'Private');
    assert.deepEqual(created.body.Template.Tags, { team: 'sre' });
    assert.equal(
      (await call('CreateTemplate', { TemplateName: 'my-runbook', Content: content('one') })).body.Code,
      'EntityAlreadyExists.Template',
    );
    assert.equal(
      (await call('UpdateTemplate', { TemplateName: 'my-runbook', Content: content('one') })).body.Template
        .TemplateVersion,
      'v1',
    );
    const v2 = await call('UpdateTemplate', {
      TemplateName: 'my-runbook',
      Content:
        `{"FormatVersion":"OOS-2019-06-01","Tasks":[{"Name":"a","Action":"ACS::Sleep","Properties":` +
        `{"Duration":"PT1S"}}]}`,
      VersionName: 'json',
    });
    assert.equal(v2.body.Template.TemplateVersion, 'v2');
    assert.equal(v2.body.Template.TemplateFormat, 'JSON');
    assert.equal(v2.body.Template.VersionName, 'json');
    assert.equal(v2.body.Template.TemplateId, created.body.Template.TemplateId);
    assert.equal(
      (await call('GetTemplate', { TemplateName: 'my-runbook', TemplateVersion: 'v1' })).body.Content,
      content('one'),
    );
    assert.equal((await call('GetTemplate', { TemplateName: 'my-runbook', TemplateVersion: 'v7' })).status, 404);

    const list = await call('ListTemplates', { TemplateName: 'RUNBOOK', Tags: { team: 'sre' } });
    assert.deepEqual(
      list.body.Templates.map((t: { TemplateName: string }) => t.TemplateName),
      ['my-runbook'],
    );
    assert.equal(list.body.Templates[0].Category, 'Other');
    assert.equal(list.body.Templates[0].TotalExecutionCount, 0);

    assert.equal((await call('DeleteTemplate', { TemplateName: 'my-runbook' })).status, 200);
    const gone = await call('GetTemplate', { TemplateName: 'my-runbook' });
    assert.equal(gone.status, 404);
    assert.deepEqual(Object.keys(gone.body).sort(), ['Code', 'Message', 'RequestId']);
    assert.equal(gone.body.Code, 'EntityNotExists.Template');
  });

  test('ListTemplates pages with NextToken and sorts', async () => {
    for (let i = 0; i < 12; i++)
      await call('CreateTemplate', { TemplateName: `page-${String(i).padStart(2, '0')}`, Content: content(`n${i}`) });
    const first = await call('ListTemplates', {
      TemplateName: 'page-',
      MaxResults: 10,
      SortField: 'TemplateName',
      SortOrder: 'Ascending',
    });
    assert.equal(first.body.Templates.length, 10);
    assert.equal(first.body.Templates[0].TemplateName, 'page-00');
    const second = await call('ListTemplates', {
      TemplateName: 'page-',
      MaxResults: '10',
      SortField: 'TemplateName',
      SortOrder: 'Ascending',
      NextToken: first.body.NextToken,
    });
    assert.deepEqual(
      second.body.Templates.map((t: { TemplateName: string }) => t.TemplateName),
      ['page-10', 'page-11'],
    );
    assert.equal(second.body.NextToken, undefined);
    assert.equal((await call('ListTemplates', { MaxResults: 5 })).body.Message, 'MaxResults: must be at least 10');
    assert.equal((await call('ListTemplates', { NextToken: 'forged' })).body.Code, 'InvalidParameter');
  });

  test('names, sizes and content are checked, with what was wrong', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ Content: content('x') }, 'MissingParameter', /^TemplateName is mandatory for this action\.$/],
      [
        { TemplateName: 'ACS-Mine', Content: content('x') },
        'InvalidParameter',
        /may not start with ALIYUN, ACS, ALIBABA or ALICLOUD/,
      ],
      [{ TemplateName: 'aliyun-x', Content: content('x') }, 'InvalidParameter', /may not start with/],
      [
        { TemplateName: 'bad name', Content: content('x') },
        'InvalidParameter',
        /must be 1-200 letters, digits, - or _/,
      ],
      [{ TemplateName: 'big', Content: content('x') + '#'.repeat(64 * 1024) }, 'InvalidParameter', /larger than 64 KB/],
      [
        { TemplateName: 'broken', Content: 'FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: a\n' },
        'InvalidTemplate',
        /Tasks\[0\]\.Action \(line 3, column 5\): is required/,
      ],
    ];
    for (const [body, code, message] of cases) {
      const r = await call('CreateTemplate', body);
      assert.equal(r.status, code === 'InvalidTemplate' || code.endsWith('Parameter') ? 400 : r.status);
      assert.equal(r.body.Code, code, JSON.stringify(r.body));
      assert.match(r.body.Message, message);
    }
    assert.equal(
      (await call('UpdateTemplate', { TemplateName: 'never-made', Content: content('x') })).body.Code,
      'EntityNotExists.Template',
    );
  });

  test('ValidateTemplateContent returns the parts of a valid template and every problem of a bad one', async () => {
    const ok = await call('ValidateTemplateContent', { Content: content('v') });
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body.Parameters), { env: { Type: 'String', AllowedValues: ['dev', 'prod'] } });
    assert.deepEqual(
      ok.body.Tasks.map((t: { Name: string; Type: string }) => [t.Name, t.Type]),
      [['nap', 'ACS::Sleep']],
    );
    const bad = await call('ValidateTemplateContent', {
      Content:
        'FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: a\n    Action: ACS::Sleep\n    OnSuccess: b\n    ' +
        'Propertiez: {}\n',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.Code, 'InvalidTemplate');
    assert.equal(
      bad.body.Message,
      'Tasks[0].Propertiez (line 6, column 5): unknown key Propertiez (did you mean ' +
        'Properties?)\nTasks[0].OnSuccess (line 5, column 16): b is not a task name, ACS::NEXT or ACS::END',
    );
  });

  test('no token, a wrong token or an unknown action: 401 / 404, nothing leaks', async () => {
    const none = await fetch(`${og.url}/api/GetTemplate`, { method: 'POST', body: '{}' });
    assert.equal(none.status, 401);
    const wrong = await call('GetTemplate', { TemplateName: 'x' }, 'not-the-token-000000000');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.Code, 'InvalidAuthorization');
    assert.equal((await call('FrobnicateTemplate', {})).status, 404);
    const notJson = await fetch(`${og.url}/api/GetTemplate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{',
    });
    assert.equal(notJson.status, 400);
  });
});
