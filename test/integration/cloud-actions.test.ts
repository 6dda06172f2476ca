import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createCloudClient, type CloudClientOptions } from '../../src/cloud/client.js';
import { findAction } from '../../src/engine/actions/registry.js';
import type { ActionContext, CloudPort, Ports } from '../../src/engine/actions/types.js';
import { retryPolicy } from '../../src/engine/actions/wait-for.js';
import type { Said } from '../../src/engine/message.js';
import type { ActionResult, Execution, TaskRecord } from '../../src/engine/types.js';
import { CloudApiError, ParameterError } from '../../src/errors.js';
import { type Msg, render } from '../../src/i18n/index.js';
import type { Task } from '../../src/template/schema.js';
import { select } from '../../src/template/selector.js';
import { FakeAlibabaApi } from '../fakes/alibaba-api.js';

/** A result as the English it says (its catalogue text is checked apart). */
const english = (r: ActionResult) => {
  const { text: _, ...rest } = r as ActionResult & { text?: Msg };
  return rest;
};

const api = new FakeAlibabaApi();
let clock = Date.UTC(2026, 0, 1);
let backoffs: number[] = [];

function client(over: Partial<CloudClientOptions> = {}): CloudPort {
  return createCloudClient({
    accessKeyId: api.accessKeyId,
    accessKeySecret: api.accessKeySecret,
    endpoint: api.base,
    defaultRegion: 'cn-hangzhou',
    backoffMs: (n) => {
      backoffs.push(n);
      return 1;
    },
    ...over,
  });
}

/** Runs an action as the worker would: resolved Properties, task-level fields, the record of an earlier run. */
function run(
  action: string,
  properties: Record<string, unknown>,
  extra: { task?: Partial<Task>; record?: TaskRecord; cloud?: CloudPort } = {},
): Promise<ActionResult> {
  const task = { Name: 'step', Action: action, Properties: properties, ...extra.task } as Task;
  // Asserted rather than annotated: other fields of the context (loops, signals, child executions)
  // are not used by these actions, and the engine's types grow while they stay unused here.
  const ctx = {
    execution: {
      id: 'exec-1',
      templateName: 't',
      templateVersion: 'v1',
      parameters: {},
      status: 'Running',
      tasks: {},
      origin: { platform: 'cli' },
      createDate: '',
      updateDate: '',
    } satisfies Partial<Execution> as Execution,
    task,
    properties,
    record: extra.record,
    idempotencyKey: 'exec-1/step',
    taskExecutionId: 'exec-1/step/1',
    signals: {},
    ports: {
      cloud: extra.cloud ?? client(),
      fetch: globalThis.fetch,
      now: () => clock,
    } satisfies Partial<Ports> as Ports,
  } as ActionContext;
  return findAction(action)!.run(ctx);
}

/** The record the worker keeps after a wait, for the next run of the same task. */
function waited(result: ActionResult): TaskRecord {
  assert.equal(result.kind, 'wait', JSON.stringify(result));
  return {
    status: 'Waiting',
    action: 'ACS::WaitFor',
    startDate: '',
    data: (result as { data?: Record<string, unknown> }).data,
  } as TaskRecord;
}

before(async () => {
  await api.start();
});
after(async () => {
  await api.stop();
});
beforeEach(() => {
  api.calls.length = 0;
  api.instances.clear();
  backoffs = [];
  api.settleAfter = 2;
  api.addInstance({ InstanceId: 'i-web1', tags: { env: 'prod', app: 'web' }, ResourceGroupId: 'rg-web' });
  api.addInstance({ InstanceId: 'i-db1', tags: { env: 'prod', app: 'db' } });
  api.addInstance({ InstanceId: 'i-off', Status: 'Stopped', tags: { env: 'dev' } });
});

describe('the signed client against the fake', () => {
  test('a call is signed as the API checks it, with the common parameters', async () => {
    const answer = (await client().call({
      service: 'ECS',
      api: 'DescribeInstances',
      parameters: { InstanceIds: ['i-web1'] },
    })) as { Instances: { Instance: Array<{ InstanceId: string }> } };
    assert.deepEqual(
      answer.Instances.Instance.map((i) => i.InstanceId),
      ['i-web1'],
    );
    const call = api.calls.at(-1)!;
    assert.equal(call.signatureOk, true);
    assert.equal(call.method, 'POST');
    assert.equal(call.params.RegionId, 'cn-hangzhou', 'the default region is sent');
    assert.equal(call.params.Version, '2014-05-26');
    assert.equal(call.params.Format, 'JSON');
    assert.equal(call.params.InstanceIds, '["i-web1"]');
  });

  test('the STS token travels as SecurityToken and is signed', async () => {
    await client({ securityToken: 'tok+en/=' }).call({
      service: 'ecs',
      api: 'DescribeInstances',
      parameters: { RegionId: 'cn-hangzhou' },
    });
    assert.equal(api.calls.at(-1)!.params.SecurityToken, 'tok+en/=');
    assert.equal(api.calls.at(-1)!.signatureOk, true);
  });

  test('a wrong secret is refused with SignatureDoesNotMatch', async () => {
    const err = await client({ accessKeySecret: 'wrong' })
      .call({ service: 'ECS', api: 'DescribeInstances', parameters: {} })
      .catch((e: unknown) => e);
    assert.ok(err instanceof CloudApiError);
    assert.equal(err.apiCode, 'SignatureDoesNotMatch');
    assert.equal(err.httpStatus, 400);
    assert.equal(api.calls.at(-1)!.signatureOk, false);
  });

  test('an API error rejects with its Code, Message and RequestId', async () => {
    api.failNext('InvalidInstanceId.NotFound', 'The specified InstanceId does not exist.', 404);
    const err = await client()
      .call({ service: 'ECS', api: 'StopInstance', parameters: { InstanceId: 'i-web1' } })
      .catch((e: unknown) => e);
    assert.ok(err instanceof CloudApiError);
    assert.equal(err.apiCode, 'InvalidInstanceId.NotFound');
    assert.equal(err.message, 'The specified InstanceId does not exist.');
    assert.equal(err.httpStatus, 404);
    assert.match(err.requestId ?? '', /^[0-9A-F-]{36}$/);
    assert.equal(api.instances.get('i-web1')!.Status, 'Running', 'the failed call changed nothing');
  });

  test('throttling is retried with backoff and a fresh nonce, then succeeds', async () => {
    api.throttleNext(2, 503);
    const answer = (await client().call({
      service: 'ECS',
      api: 'DescribeInstanceAttribute',
      parameters: { InstanceId: 'i-db1' },
    })) as { InstanceId: string };
    assert.equal(answer.InstanceId, 'i-db1');
    assert.deepEqual(backoffs, [1, 2]);
    assert.equal(api.calls.length, 3);
    assert.equal(new Set(api.calls.map((c) => c.params.SignatureNonce)).size, 3);
  });

  test('throttling that outlasts the retries fails with Throttling.User', async () => {
    api.throttleNext(3);
    const err = await client({ throttleRetries: 2 })
      .call({ service: 'ECS', api: 'DescribeInstances', parameters: {} })
      .catch((e: unknown) => e);
    assert.ok(err instanceof CloudApiError);
    assert.equal(err.apiCode, 'Throttling.User');
    assert.equal(api.calls.length, 3);
    api.calls.length = 0;
  });

  test('ROA services are signed in the Authorization header', async () => {
    const answer = (await client().call({
      service: 'CS',
      api: 'DescribeClusterDetail',
      method: 'GET',
      uri: '/clusters/c-123',
      parameters: {},
    })) as Record<string, unknown>;
    assert.deepEqual(answer, {
      RequestId: answer.RequestId,
      cluster_id: 'c-123',
      state: 'running',
      region_id: 'cn-hangzhou',
    });
    assert.equal(api.calls.at(-1)!.signatureOk, true);
  });

  test('an unknown service fails before anything is sent', async () => {
    await assert.rejects(
      client().call({ service: 'NoSuchService', api: 'X', parameters: {} }),
      (e: unknown) => e instanceof ParameterError && /NoSuchService/.test(e.message),
    );
    assert.equal(api.calls.length, 0);
  });
});

describe('ACS::ExecuteAPI', () => {
  test('the result is the API answer, for the Outputs to select from', async () => {
    const r = await run('ACS::ExecuteApi', {
      Service: 'Ecs',
      API: 'DescribeInstanceAttribute',
      Parameters: { RegionId: 'cn-hangzhou', InstanceId: 'i-web1' },
    });
    assert.equal(r.kind, 'success');
    assert.equal(await select((r as { result: unknown }).result, 'Status', 'String'), 'Running');
  });

  test('an API error fails the task with its code and message', async () => {
    const r = await run('ACS::ExecuteAPI', {
      Service: 'ECS',
      API: 'StopInstance',
      Parameters: { InstanceId: 'i-nope' },
    });
    assert.equal(r.kind, 'failed');
    assert.match(
      (r as { message: string }).message,
      /^ECS StopInstance failed: InvalidInstanceId\.NotFound: The specified InstanceId does not exist\. \(RequestId /,
    );
  });

  test('a task without API fails with a clear message', async () => {
    const r = await run('ACS::ExecuteAPI', { Service: 'ECS', Parameters: {} });
    assert.deepEqual(english(r), {
      kind: 'failed',
      message: 'API must name an API operation, such as DescribeInstances',
    });
    assert.equal(render((r as { text: Msg }).text, 'zh-CN'), 'API 必须是 API 操作名，例如 DescribeInstances');
  });
});

describe('ACS::WaitFor', () => {
  const waitForStopped = {
    Service: 'ECS',
    API: 'DescribeInstances',
    Parameters: { RegionId: 'cn-hangzhou', InstanceIds: ['i-web1'] },
    PropertySelector: 'Instances.Instance[].Status',
    DesiredValues: ['Stopped'],
  };

  test('polls without holding a worker until the status flips', async () => {
    assert.equal(
      (await run('ACS::ExecuteAPI', { Service: 'ECS', API: 'StopInstance', Parameters: { InstanceId: 'i-web1' } }))
        .kind,
      'success',
    );
    const first = await run('ACS::WaitFor', waitForStopped);
    assert.equal(first.kind, 'wait');
    assert.equal((first as { resumeAt?: number }).resumeAt, clock + 1000, 'Exponential: 2^0 s after the first poll');
    assert.match((first as { message: string }).message, /Stopping/);

    const reads = api.of('DescribeInstances').length;
    const early = await run('ACS::WaitFor', waitForStopped, { record: waited(first) });
    assert.equal(early.kind, 'wait', 'woken early, it waits on');
    assert.equal(api.of('DescribeInstances').length, reads, 'and does not poll before its time');

    clock += 1000;
    const second = await run('ACS::WaitFor', waitForStopped, { record: waited(first) });
    assert.equal((second as { resumeAt?: number }).resumeAt, clock + 2000, 'then 2^1 s');
    clock += 2000;
    const third = await run('ACS::WaitFor', waitForStopped, { record: waited(second) });
    assert.equal(third.kind, 'success');
    assert.equal(
      await select((third as { result: unknown }).result, 'Instances.Instance[].InstanceId', 'List').then(
        (l) => (l as string[])[0],
      ),
      'i-web1',
    );
  });

  test('StopRetryValues fail at once', async () => {
    const r = await run('ACS::WaitFor', {
      Service: 'ECS',
      API: 'DescribeInstanceAttribute',
      Parameters: { InstanceId: 'i-off' },
      PropertySelector: 'Status',
      DesiredValues: ['Running'],
      StopRetryValues: ['Stopped', 'Deleted'],
    });
    assert.deepEqual(english(r), {
      kind: 'failed',
      message: 'PropertySelector Status gave Stopped, one of StopRetryValues',
    });
  });

  test('when the retries run out it fails with the last value seen', async () => {
    api.settleAfter = 10;
    await run('ACS::ExecuteAPI', { Service: 'ECS', API: 'StopInstance', Parameters: { InstanceId: 'i-web1' } });
    const task = { Retries: 1, DelayType: 'Constant' as const, Delay: 5 };
    const first = await run('ACS::WaitFor', waitForStopped, { task });
    assert.equal((first as { resumeAt?: number }).resumeAt, clock + 5000);
    clock += 5000;
    const last = await run('ACS::WaitFor', waitForStopped, { task, record: waited(first) });
    assert.deepEqual(english(last), {
      kind: 'failed',
      message:
        'PropertySelector Instances.Instance[].Status still gave Stopping after 2 polls, wanted one of ["Stopped"]',
    });
  });

  test('values compare as text, and an API error is an answer the selector can test', async () => {
    const r = await run('ACS::WaitFor', {
      Service: 'ECS',
      API: 'DescribeInstanceAttribute',
      Parameters: { InstanceId: 'i-gone' },
      PropertySelector: '.Code|tostring',
      DesiredValues: ['InvalidInstanceId.NotFound', 'null'],
    });
    assert.equal(r.kind, 'success');
    const n = await run('ACS::WaitFor', {
      Service: 'ECS',
      API: 'DescribeInstances',
      Parameters: { RegionId: 'cn-hangzhou' },
      PropertySelector: 'TotalCount',
      DesiredValues: ['3'],
    });
    assert.equal(n.kind, 'success');
  });

  test('no answer at all (connection refused) is a poll to retry, not a failure', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const down = client({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    const r = await run('ACS::WaitFor', waitForStopped, { cloud: down });
    assert.equal(r.kind, 'wait');
    assert.equal(
      (r as { message: string }).message.replace(/ at \S+$/, ''),
      'waiting: Instances.Instance[].Status is no answer (ECS DescribeInstances: connection refused to ' +
        `127.0.0.1:${port}: nothing is listening there (ECONNREFUSED)); poll 2 of 11`,
    );
    assert.match(
      render((r as { text: Msg }).text, 'zh-CN'),
      /^等待中：Instances\.Instance\[\]\.Status 为 无响应（ECS DescribeInstances 无法访问：连接 127\.0\.0\.1:\d+ 被拒绝/,
    );
  });

  test('DelayType schedules: Exponential, Constant, Linear, capped by MaxRetryInterval', () => {
    const delays = (t: Partial<Task>) => {
      const p = retryPolicy(t);
      assert.notEqual(typeof p, 'string', String(p));
      return [0, 1, 2, 3].map((n) => (p as { delayMs(n: number): number }).delayMs(n) / 1000);
    };
    assert.deepEqual(delays({}), [1, 2, 4, 8]);
    assert.deepEqual(delays({ DelayType: 'Constant', Delay: 15 }), [15, 15, 15, 15]);
    assert.deepEqual(delays({ DelayType: 'Linear', Delay: 5, BackOff: 2 }), [5, 7, 9, 11]);
    assert.deepEqual(delays({ MaxRetryInterval: 3 }), [1, 2, 3, 3]);
    assert.equal((retryPolicy({}) as { retries: number }).retries, 10);
    assert.equal((retryPolicy({ Retries: 301 }) as Said).message, 'Retries must be a number from 0 to 300, got 301');
  });
});

describe('ACS::CheckFor', () => {
  test('passes when the selected value is desired', async () => {
    const r = await run('ACS::CheckFor', {
      Service: 'ECS',
      API: 'DescribeInstances',
      Parameters: { RegionId: 'cn-hangzhou', InstanceIds: ['i-web1', 'i-db1'] },
      PropertySelector: 'Instances.Instance[].Status',
      DesiredValues: ['Running', 'Stopped'],
    });
    assert.equal(r.kind, 'success');
  });

  test('fails naming the value it saw', async () => {
    const r = await run('ACS::CheckFor', {
      Service: 'ECS',
      API: 'DescribeInstances',
      Parameters: { RegionId: 'cn-hangzhou', InstanceIds: ['i-nope'] },
      PropertySelector: 'Instances.Instance',
      NotDesiredValues: [[]],
    });
    assert.deepEqual(english(r), {
      kind: 'failed',
      message: 'PropertySelector Instances.Instance gave [], wanted none of [[]]',
    });
    const s = await run('ACS::CheckFor', {
      Service: 'ECS',
      API: 'DescribeInstanceAttribute',
      Parameters: { InstanceId: 'i-off' },
      PropertySelector: 'Status',
      DesiredValues: ['Running'],
    });
    assert.deepEqual(english(s), {
      kind: 'failed',
      message: 'PropertySelector Status gave Stopped, wanted one of ["Running"]',
    });
    assert.equal(
      render((s as { text: Msg }).text, 'zh-CN'),
      'PropertySelector Status 的结果为 Stopped，期望值为 ["Running"] 之一',
    );
  });
});

describe('ACS::SelectTargets', () => {
  /** 230 instances tagged team=ops in rg-ops, so every query needs three pages of 100. */
  function fleet(): string[] {
    const ids: string[] = [];
    for (let n = 0; n < 230; n++) {
      const id = `i-ops${String(n).padStart(3, '0')}`;
      api.addInstance({ InstanceId: id, ResourceGroupId: 'rg-ops', tags: { team: 'ops', shard: String(n % 2) } });
      ids.push(id);
    }
    return ids;
  }
  const ids = async (r: ActionResult) => {
    assert.equal(r.kind, 'success', JSON.stringify(r));
    return (await select((r as { result: unknown }).result, 'Instances.Instance[].InstanceId', 'List')) as string[];
  };

  test('by ResourceIds, in chunks of 100 ids, every page read', async () => {
    const all = fleet();
    const wanted = all.slice(0, 150);
    const r = await run('ACS::SelectTargets', {
      ResourceType: 'ALIYUN::ECS::Instance',
      RegionId: 'cn-hangzhou',
      Filters: [{ Type: 'ResourceIds', ResourceIds: wanted, RegionId: 'cn-hangzhou' }],
    });
    assert.deepEqual(await ids(r), wanted);
    const calls = api.of('DescribeInstances');
    assert.deepEqual(
      calls.map((c) => (JSON.parse(c.InstanceIds!) as string[]).length),
      [100, 50],
    );
    assert.ok(calls.every((c) => c.MaxResults === '100'));
  });

  test('by Tags across several pages, following NextToken', async () => {
    fleet();
    const r = await run('ACS::SelectTargets', {
      ResourceType: 'ALIYUN::ECS::Instance',
      RegionId: 'cn-hangzhou',
      Filters: [{ Type: 'Tags', Tags: [{ Key: 'team', Value: 'ops' }] }],
    });
    assert.equal((await ids(r)).length, 230);
    const calls = api.of('DescribeInstances');
    assert.equal(calls.length, 3);
    assert.deepEqual(
      calls.map((c) => [c['Tag.1.Key'], c['Tag.1.Value'], Boolean(c.NextToken)]),
      [
        ['team', 'ops', false],
        ['team', 'ops', true],
        ['team', 'ops', true],
      ],
    );
  });

  test('by ResourceGroup, a Json parameter given as text, and several filters adding up', async () => {
    fleet();
    const r = await run('ACS::SelectTargets', {
      ResourceType: 'ALIYUN::ECS::Instance',
      RegionId: 'cn-hangzhou',
      Filters: [
        JSON.stringify({ Type: 'ResourceGroup', ResourceGroupId: 'rg-ops', RegionId: 'cn-hangzhou' }),
        { Type: 'Tags', Tags: [{ Key: 'app', Value: 'web' }] },
        { Type: 'ResourceIds', ResourceIds: ['i-ops000'] },
      ],
    });
    const got = await ids(r);
    assert.equal(got.length, 231);
    assert.equal(got.at(-1), 'i-web1');
    assert.equal((r as { result: { TotalCount: number } }).result.TotalCount, 231);
  });

  test('an empty id list selects nothing, without asking for every instance', async () => {
    const r = await run('ACS::SelectTargets', {
      ResourceType: 'ALIYUN::ECS::Instance',
      Filters: [{ Type: 'ResourceIds', ResourceIds: [] }],
    });
    assert.deepEqual(await ids(r), []);
    assert.equal(api.of('DescribeInstances').length, 0);
  });

  test('other resource types and target types fail clearly', async () => {
    assert.deepEqual(
      english(await run('ACS::SelectTargets', { ResourceType: 'ALIYUN::RDS::Instance', Filters: [{}] })),
      {
        kind: 'failed',
        message: 'ResourceType ALIYUN::RDS::Instance is not supported; only ALIYUN::ECS::Instance is',
      },
    );
    assert.deepEqual(
      english(await run('ACS::SelectTargets', { ResourceType: 'ALIYUN::ECS::Instance', Filters: [{ Type: 'All' }] })),
      { kind: 'failed', message: 'target Type "All" is not supported; use ResourceIds, Tags or ResourceGroup' },
    );
  });
});
