import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OpenApiRequest } from '@alicloud/openapi-client';
import OpenApiUtilModule from '@alicloud/openapi-util';
import { rpcTimestamp } from '../../src/cloud/sign.js';
import { Target } from '../fakes/target.js';
import {
  type AlibabaClient,
  DMS_VERSION,
  dms,
  OOS_VERSION,
  onceRuntime,
  oos,
  oosClient,
  popClient,
  rpcParams,
} from '../support/alibaba-sdk.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';

const OpenApiUtil = OpenApiUtilModule.default;

/** One AccessKey a directory user; `ghost` is not in the directory. */
const KEYS = {
  alice: ['LTAI5tAlice0001', 'alice-secret-0123456789'],
  bob: ['LTAI5tBob00000002', 'bob-secret-0123456789ab'],
  carol: ['LTAI5tCarol00003', 'carol-secret-0123456789'],
  dave: ['LTAI5tDave000004', 'dave-secret-0123456789a'],
  ghost: ['LTAI5tGhost00005', 'ghost-secret-0123456789'],
} as const;
type Who = keyof typeof KEYS;
const accessKeys = Object.entries(KEYS)
  .map(([user, [id, secret]]) => `${user}:${id}:${secret}`)
  .join(',');

type Body = Record<string, any>;
const SIGNATURES = [
  ['ACS3-HMAC-SHA256', undefined],
  ['HMAC-SHA1 (v1)', 'v2'],
] as const;

/** The error an official client threw for a refused call: its code, HTTP status and answer. */
async function refused(call: Promise<unknown>): Promise<{ code: string; status: number; data: Body }> {
  try {
    await call;
  } catch (e) {
    const err = e as { code: string; data?: Body; statusCode?: number };
    return { code: err.code, status: Number(err.data?.statusCode ?? err.statusCode), data: err.data ?? {} };
  }
  assert.fail('the call was not refused');
}

const timestamp = (ms = Date.now()) => rpcTimestamp(new Date(ms));

describe('the official Alibaba Cloud SDKs drive opsgate at /', () => {
  let og: Opsgate;
  let target: Target;
  let endpoint: string;
  before(async () => {
    target = await new Target().start();
    og = await startOpsgate({
      env: { OPSGATE_TEMPLATES: 'test/fixtures/runbooks:test/fixtures/engine', OPSGATE_ACCESS_KEYS: accessKeys },
    });
    endpoint = og.url.replace(/^http:\/\//, '');
  });
  after(async () => {
    await og.close();
    await target.stop();
  });

  const client = (who: Who, signatureAlgorithm?: 'v2'): AlibabaClient =>
    oosClient(endpoint, KEYS[who][0], KEYS[who][1], { signatureAlgorithm });
  const body = async (r: Promise<{ body: unknown }>) => (await r).body as Body;
  const execution = (c: AlibabaClient, id: string) =>
    body(oos(c, 'ListExecutions', { ExecutionId: id })).then((b) => b.Executions[0] as Body);
  const reaches = (c: AlibabaClient, id: string, status: string) =>
    until(async () => {
      const e = await execution(c, id);
      return e.Status === status && e;
    }, `${id} ${status}`);
  /** A v1 call signed by hand with the official signing function: for replays and stale times. */
  const signedV1 = (who: Who, params: Record<string, string>) => {
    const all: Record<string, string> = {
      Format: 'JSON',
      Version: OOS_VERSION,
      AccessKeyId: KEYS[who][0],
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: Math.random().toString(36).slice(2),
      Timestamp: timestamp(),
      ...params,
    };
    all.Signature = OpenApiUtil.getRPCSignature(all, 'GET', KEYS[who][1]);
    return `${og.url}/?${new URLSearchParams(all)}`;
  };

  for (const [name, algorithm] of SIGNATURES) {
    const doneWhen = `${name}: an OOS script starts a runbook, approves its ticket DMS-style, reads the result`;
    test(doneWhen, async () => {
      const alice = client('alice', algorithm);
      const started = await body(
        oos(alice, 'StartExecution', {
          RegionId: 'cn-hangzhou',
          TemplateName: 'two-approvals',
          Parameters: JSON.stringify({ target: target.url }),
          Tags: { team: 'sre' },
          ClientToken: `sdk-${name}`,
        }),
      );
      const id = String(started.Execution.ExecutionId);
      assert.match(started.RequestId, /^[0-9A-F-]{36}$/);
      await reaches(alice, id, 'Waiting');
      const tasks = await body(oos(alice, 'ListTaskExecutions', { ExecutionId: id }));
      const ticket = String(tasks.TaskExecutions.find((t: Body) => t.TaskName === 'approve').ExtraData.TicketId);
      const detail = await body(dms(alice, 'GetApprovalDetail', { WorkflowInstanceId: ticket }));
      assert.equal(detail.Success, true);
      assert.equal(String(detail.ApprovalDetail.OrderId), ticket);
      assert.equal(detail.ApprovalDetail.WorkflowInsCode, 'AUDITING');
      for (const who of ['bob', 'carol'] as const) {
        const agreed = await body(
          dms(client(who, algorithm), 'ApproveOrder', {
            WorkflowInstanceId: Number(ticket),
            ApprovalType: 'AGREE',
            Comment: `${who} agrees`,
          }),
        );
        assert.equal(agreed.Success, true);
      }
      const done = await reaches(alice, id, 'Success');
      assert.match(JSON.parse(done.Outputs).answer, /^hit \d+$/);
      assert.deepEqual(done.Tags, { team: 'sre' });
      const again = await body(
        oos(alice, 'StartExecution', {
          TemplateName: 'two-approvals',
          Parameters: JSON.stringify({ target: target.url }),
          ClientToken: `sdk-${name}`,
        }),
      );
      assert.equal(again.Execution.ExecutionId, id, 'the same ClientToken starts nothing new');
    });
  }

  test('template CRUD: a 60 KB Content in the URL, Tags as JSON, versions, then EntityNotExists.Template', async () => {
    const alice = client('alice');
    const padding = `# ${'x'.repeat(200)}\n`.repeat(300);
    const content = [
      `${padding}FormatVersion: OOS-2019-06-01`,
      'Description: from the SDK',
      'Tasks:',
      '  - Name: wait',
      '    Action: ACS::Sleep',
      '    Properties: { Duration: PT0S }',
      '',
    ].join('\n');
    assert.ok(content.length > 60_000 && content.length < 64 * 1024);
    const created = await body(
      oos(alice, 'CreateTemplate', { TemplateName: 'sdk-crud', Content: content, Tags: { owner: 'alice' } }),
    );
    assert.equal(created.Template.TemplateName, 'sdk-crud');
    assert.equal(created.Template.TemplateVersion, 'v1');
    const v2 = content.replace('from the SDK', 'from the SDK, again');
    await oos(client('alice', 'v2'), 'UpdateTemplate', { TemplateName: 'sdk-crud', Content: v2 });
    const got = await body(oos(alice, 'GetTemplate', { TemplateName: 'sdk-crud' }));
    assert.equal(got.Template.TemplateVersion, 'v2');
    assert.equal(got.Content, v2);
    const listed = await body(oos(alice, 'ListTemplates', { Tags: { owner: 'alice' }, MaxResults: 10 }));
    assert.deepEqual(
      listed.Templates.map((t: Body) => t.TemplateName),
      ['sdk-crud'],
    );
    const valid = await body(oos(alice, 'ValidateTemplateContent', { Content: content }));
    assert.ok(valid.Tasks);
    const bob = await refused(oos(client('bob'), 'DeleteTemplate', { TemplateName: 'sdk-crud' }));
    assert.equal(bob.code, 'Forbidden.TemplateOwner', 'only its owner or an admin deletes a template');
    assert.equal(bob.status, 403);
    await oos(alice, 'DeleteTemplate', { TemplateName: 'sdk-crud' });
    const gone = await refused(oos(alice, 'GetTemplate', { TemplateName: 'sdk-crud' }));
    assert.equal(gone.code, 'EntityNotExists.Template');
    assert.equal(gone.status, 404);
    assert.deepEqual(Object.keys(gone.data).sort(), [
      'Code',
      'HostId',
      'Message',
      'Recommend',
      'RequestId',
      'statusCode',
    ]);
    assert.equal(gone.data.HostId, endpoint);
  });

  test('ListExecutions pages with NextToken; NotifyExecution Approve by the approvers finishes a run', async () => {
    const alice = client('alice');
    const ids: string[] = [];
    for (let n = 0; n < 12; n++) {
      const s = await body(
        oos(alice, 'StartExecution', {
          TemplateName: 'two-approvals',
          Parameters: JSON.stringify({ target: target.url }),
          Tags: { batch: 'paging' },
        }),
      );
      ids.push(s.Execution.ExecutionId);
    }
    const first = await body(oos(alice, 'ListExecutions', { Tags: { batch: 'paging' }, MaxResults: 10 }));
    assert.equal(first.Executions.length, 10);
    assert.ok(first.NextToken);
    const second = await body(
      oos(client('alice', 'v2'), 'ListExecutions', {
        Tags: { batch: 'paging' },
        MaxResults: 10,
        NextToken: first.NextToken,
      }),
    );
    assert.equal(second.Executions.length, 2);
    assert.equal(second.NextToken, undefined);
    assert.deepEqual(
      [...first.Executions, ...second.Executions].map((e: Body) => e.ExecutionId).sort(),
      [...ids].sort(),
    );
    const id = ids[0]!;
    await reaches(alice, id, 'Waiting');
    const dave = await refused(oos(client('dave'), 'NotifyExecution', { ExecutionId: id, NotifyType: 'Approve' }));
    assert.equal(dave.code, 'Forbidden');
    for (const who of ['bob', 'carol'] as const)
      await oos(client(who), 'NotifyExecution', { ExecutionId: id, NotifyType: 'Approve', NotifyNote: 'ok' });
    await reaches(alice, id, 'Success');
    for (const other of ids.slice(1)) await oos(alice, 'CancelExecution', { ExecutionId: other });
    const missing = await refused(oos(alice, 'CancelExecution', { ExecutionId: 'exec-0000000000000000000' }));
    assert.equal(missing.code, 'EntityNotExists.Execution');
  });

  test('TriggerExecution with a ClientToken starts one child however often it is sent', async () => {
    const alice = client('alice', 'v2');
    const started = await body(
      oos(alice, 'StartExecution', { TemplateName: 'on-event', Parameters: JSON.stringify({ base: target.base }) }),
    );
    const id = String(started.Execution.ExecutionId);
    await reaches(alice, id, 'Waiting');
    const event = JSON.stringify({
      product: 'ECS',
      name: 'Instance:StateChange',
      level: 'INFO',
      regionId: 'cn-hangzhou',
      content: { resourceId: 'i-sdk1', state: 'Stopped' },
    });
    for (let n = 0; n < 3; n++)
      await oos(alice, 'TriggerExecution', { ExecutionId: id, Type: 'Event', Content: event, ClientToken: 'evt-sdk' });
    await until(async () => target.hitsTo('/event/i-sdk1').length === 1, 'the child to react');
    assert.equal((await og.rt.executionStore.children(id)).length, 1);
    await oos(alice, 'CancelExecution', { ExecutionId: id });
  });

  test('GetApprovalDetail as XML (Format=XML, signature v1); an XML refusal is <Error>', async () => {
    const alice = client('alice', 'v2');
    const s = await body(
      oos(alice, 'StartExecution', {
        TemplateName: 'two-approvals',
        Parameters: JSON.stringify({ target: target.url }),
      }),
    );
    await reaches(alice, s.Execution.ExecutionId, 'Waiting');
    const tasks = await body(oos(alice, 'ListTaskExecutions', { ExecutionId: s.Execution.ExecutionId }));
    const ticket = String(tasks.TaskExecutions[0].ExtraData.TicketId);
    const xml = await alice.callApi(
      rpcParams('GetApprovalDetail', DMS_VERSION, 'string'),
      new OpenApiRequest({ query: { WorkflowInstanceId: ticket, Format: 'XML' } }),
      onceRuntime(),
    );
    assert.equal(xml.headers['content-type'], 'text/xml;charset=utf-8');
    const text = String(xml.body);
    assert.match(text, /^<\?xml version='1.0' encoding='UTF-8'\?><GetApprovalDetailResponse>/);
    assert.ok(text.includes(`<OrderId>${ticket}</OrderId>`), text);
    assert.match(text, /<Success>true<\/Success>/);
    const r = await fetch(signedV1('alice', { Action: 'Nope', Format: 'XML' }));
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('content-type'), 'text/xml;charset=utf-8');
    assert.match(
      await r.text(),
      /<Error>\s*<RequestId>[^<]+<\/RequestId>\s*<HostId>[^<]+<\/HostId>\s*<Code>InvalidAction.NotFound<\/Code>/,
    );
    await oos(alice, 'CancelExecution', { ExecutionId: s.Execution.ExecutionId });
  });

  test('pop-core RPCClient: GET and POST, lists flattened as Tags.1.Key', async () => {
    const pop = popClient(og.url, KEYS.alice[0], KEYS.alice[1], OOS_VERSION);
    const started = (await pop.request(
      'StartExecution',
      {
        TemplateName: 'two-approvals',
        Parameters: JSON.stringify({ target: target.url }),
        Tags: [{ Key: 'via', Value: 'pop-core' }],
      },
      { method: 'POST' },
    )) as Body;
    const id = started.Execution.ExecutionId;
    assert.deepEqual({ ...started.Execution.Tags }, { via: 'pop-core' });
    const listed = (await pop.request('ListExecutions', { ExecutionId: id })) as Body;
    assert.equal(listed.Executions[0].ExecutionId, id);
    const err = await refused(pop.request('GetTemplate', { TemplateName: 'no-such-template' }));
    assert.equal(err.code, 'EntityNotExists.Template');
    await pop.request('CancelExecution', { ExecutionId: id });
  });

  test('a plain GET / is still the console; DMS actions are not OOS actions', async () => {
    const page = await fetch(`${og.url}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    const dmsUnderOos = await refused(
      client('alice').callApi(
        rpcParams('GetApprovalDetail', OOS_VERSION),
        new OpenApiRequest({ query: { WorkflowInstanceId: '1' } }),
        onceRuntime(),
      ),
    );
    assert.equal(dmsUnderOos.code, 'InvalidAction.NotFound');
    assert.equal(dmsUnderOos.status, 404);
  });

  describe('every wrong call is refused with Alibaba Cloud’s own code, and changes nothing', () => {
    const startNothing = (c: AlibabaClient, tag: string, extra: Body = {}) =>
      oos(c, 'StartExecution', {
        TemplateName: 'two-approvals',
        Parameters: JSON.stringify({ target: target.url }),
        Tags: { refused: tag },
        ...extra,
      });
    const startedWith = async (tag: string) =>
      (await body(oos(client('dave'), 'ListExecutions', { Tags: { refused: tag }, MaxResults: 10 }))).Executions.length;

    for (const [name, algorithm] of SIGNATURES) {
      test(`${name}: unknown key, user gone, wrong secret, STS token, stale time`, async () => {
        const unknown = await refused(
          startNothing(
            oosClient(endpoint, 'LTAI5tNobody0009', 'nobody-secret-0123456', { signatureAlgorithm: algorithm }),
            'a',
          ),
        );
        assert.equal(unknown.code, 'InvalidAccessKeyId.NotFound');
        assert.equal(unknown.status, 404);
        assert.match(unknown.data.Recommend, /OPSGATE_ACCESS_KEYS/);
        const ghost = await refused(startNothing(client('ghost', algorithm), 'a'));
        assert.equal(ghost.code, 'InvalidAccessKeyId.Inactive');
        const wrong = await refused(
          startNothing(
            oosClient(endpoint, KEYS.alice[0], 'not-alice-secret-0123', { signatureAlgorithm: algorithm }),
            'a',
          ),
        );
        assert.equal(wrong.code, 'SignatureDoesNotMatch');
        assert.equal(wrong.status, 400);
        assert.match(
          wrong.data.Message,
          algorithm
            ? /server string to sign is:POST&%2F&AccessKeyId%3D/
            : /server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}/,
        );
        const sts = await refused(
          startNothing(
            oosClient(endpoint, KEYS.alice[0], KEYS.alice[1], {
              signatureAlgorithm: algorithm,
              securityToken: 'CAIS-sts',
            }),
            'a',
          ),
        );
        assert.equal(sts.code, 'InvalidSecurityToken.NotSupported');
        const stale = timestamp(Date.now() - 16 * 60_000);
        const expired = await refused(
          client('alice', algorithm).callApi(
            rpcParams('StartExecution', OOS_VERSION),
            new OpenApiRequest(
              algorithm
                ? { query: { TemplateName: 'two-approvals', Tags: '{"refused":"a"}', Timestamp: stale } }
                : {
                    query: { TemplateName: 'two-approvals', Tags: '{"refused":"a"}' },
                    headers: { 'x-acs-date': stale },
                  },
            ),
            onceRuntime(),
          ),
        );
        assert.equal(expired.code, 'InvalidTimeStamp.Expired');
        assert.equal(await startedWith('a'), 0, 'no refused call started anything');
      });
    }

    test('a replayed call is SignatureNonceUsed and runs once', async () => {
      const url = signedV1('alice', {
        Action: 'StartExecution',
        TemplateName: 'two-approvals',
        Parameters: JSON.stringify({ target: target.url }),
        Tags: JSON.stringify({ refused: 'replay' }),
      });
      const first = await fetch(url);
      assert.equal(first.status, 200);
      const again = await fetch(url);
      assert.equal(again.status, 400);
      assert.equal(((await again.json()) as Body).Code, 'SignatureNonceUsed');
      assert.equal(await startedWith('replay'), 1);
      const id = ((await first.json()) as Body).Execution.ExecutionId;
      await oos(client('alice'), 'CancelExecution', { ExecutionId: id });
    });

    test('a body changed after signing is SignatureDoesNotMatch (ACS3 hashes the payload)', async () => {
      const signedBody = 'TemplateName=two-approvals';
      const sentBody = 'TemplateName=pause';
      const headers: Record<string, string> = {
        host: endpoint,
        'x-acs-action': 'StartExecution',
        'x-acs-version': OOS_VERSION,
        'x-acs-date': timestamp(),
        'x-acs-signature-nonce': Math.random().toString(36).slice(2),
        'x-acs-content-sha256': OpenApiUtil.hexEncode(OpenApiUtil.hash(Buffer.from(signedBody), 'ACS3-HMAC-SHA256')),
        'content-type': 'application/x-www-form-urlencoded',
      };
      headers.authorization = OpenApiUtil.getAuthorization(
        { pathname: '/', method: 'POST', query: {}, headers } as never,
        'ACS3-HMAC-SHA256',
        headers['x-acs-content-sha256']!,
        KEYS.alice[0],
        KEYS.alice[1],
      );
      const r = await fetch(`${og.url}/`, { method: 'POST', headers, body: sentBody });
      const answer = (await r.json()) as Body;
      assert.equal(r.status, 400);
      assert.equal(answer.Code, 'SignatureDoesNotMatch');
      assert.match(answer.Message, /x-acs-content-sha256/);
    });

    test('MissingParameter, InvalidParameter, InvalidAction.NotFound, InvalidVersion', async () => {
      const alice = client('alice');
      const missing = await refused(oos(alice, 'StartExecution', { Tags: { refused: 'b' } }));
      assert.equal(missing.code, 'MissingParameter');
      assert.match(missing.data.Message, /TemplateName/);
      const invalid = await refused(startNothing(alice, 'b', { Mode: 'Sometimes' }));
      assert.equal(invalid.code, 'InvalidParameter');
      assert.match(invalid.data.Message, /^Mode: /);
      const noSignature = await fetch(`${og.url}/?Action=ListTemplates&Version=${OOS_VERSION}`);
      assert.equal(((await noSignature.json()) as Body).Code, 'MissingParameter');
      const unknown = await fetch(signedV1('alice', { Action: 'ListPatchBaselines' }));
      assert.equal(((await unknown.json()) as Body).Code, 'InvalidAction.NotFound');
      const version = await fetch(signedV1('alice', { Action: 'ListTemplates', Version: '2014-05-26' }));
      assert.equal(((await version.json()) as Body).Code, 'InvalidVersion');
      const ticket = await refused(dms(alice, 'ApproveOrder', { WorkflowInstanceId: 99999999, ApprovalType: 'AGREE' }));
      assert.equal(ticket.code, 'InvalidWorkflowInstanceId', 'a DMS refusal carries Code for the SDKs');
      assert.equal(ticket.data.ErrorCode, 'InvalidWorkflowInstanceId');
      assert.equal(ticket.data.Success, false);
      assert.equal(await startedWith('b'), 0);
    });
  });
});

describe('Throttling.User per AccessKey', () => {
  test('over OPSGATE_API_RATE_LIMIT calls a minute, a key is refused Throttling.User', async () => {
    const og = await startOpsgate({ env: { OPSGATE_ACCESS_KEYS: accessKeys, OPSGATE_API_RATE_LIMIT: '3' } });
    try {
      const alice = oosClient(og.url.replace(/^http:\/\//, ''), KEYS.alice[0], KEYS.alice[1]);
      for (let n = 0; n < 3; n++) await oos(alice, 'ListTemplates', {});
      const over = await refused(oos(alice, 'ListTemplates', {}));
      assert.equal(over.code, 'Throttling.User');
      assert.match(over.data.Recommend, /OPSGATE_API_RATE_LIMIT/);
      const bob = oosClient(og.url.replace(/^http:\/\//, ''), KEYS.bob[0], KEYS.bob[1]);
      await oos(bob, 'ListTemplates', {});
    } finally {
      await og.close();
    }
  });
});
