import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ended, startOpsgate, type Opsgate } from '../support/harness.js';

const TOKEN = 'alice-token-0123456789';
const INJECTION = 'a") | "INJECTED" #';

const template = (body: Record<string, unknown>) => JSON.stringify({ FormatVersion: 'OOS-2019-06-01', ...body });

describe('jq limits through the engine and the API', () => {
  let og: Opsgate;
  before(async () => {
    og = await startOpsgate({ env: { OPSGATE_API_TOKENS: `alice:${TOKEN}`, OPSGATE_JQ_TIMEOUT_MS: '1000' } });
  });
  after(() => og.close());

  const call = async (action: string, body: unknown) => {
    const r = await fetch(`${og.url}/api/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, any>, at: Date.now() };
  };

  test('a task whose Outputs selector never ends fails with the reason, and the execution ends Failed', async () => {
    const created = await call('CreateTemplate', {
      TemplateName: 'runaway-selector',
      Content: template({
        Tasks: [
          {
            Name: 'pick',
            Action: 'Opsgate::RunShellScript',
            Properties: { Script: 'echo hi' },
            Outputs: { out: { Type: 'String', ValueSelector: '.Stdout | until(false; .)' } },
          },
        ],
      }),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const started = await call('StartExecution', { TemplateName: 'runaway-selector' });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const e = await ended(og, started.body.Execution.ExecutionId, 20_000);
    assert.equal(e.status, 'Failed');
    assert.equal(e.tasks.pick?.status, 'Failed');
    assert.match(
      String(e.tasks.pick?.message ?? e.statusMessage),
      /ValueSelector \.Stdout \| until\(false; \.\): jq program did not finish within 1000 ms/,
    );
  });

  test('StartExecution with a runaway default answers 400 while another request is served', async () => {
    const created = await call('CreateTemplate', {
      TemplateName: 'runaway-default',
      Content: template({
        Parameters: { n: { Type: 'Number', Default: { 'Fn::Jq': ['First', 'last(range(5e7))', {}] } } },
        Tasks: [{ Name: 'nap', Action: 'ACS::Sleep', Properties: { Duration: 'PT0S' } }],
      }),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const t = Date.now();
    const slow = call('StartExecution', { TemplateName: 'runaway-default' });
    await new Promise((r) => setTimeout(r, 150));
    const other = await call('GetTemplate', { TemplateName: 'runaway-default' });
    const refused = await slow;
    assert.equal(other.status, 200);
    assert.ok(other.at < refused.at, 'the other request was answered while the default was still being computed');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.Code, 'InvalidParameter');
    assert.match(refused.body.Message, /^n: default Fn::Jq: jq program did not finish within 1000 ms/);
    assert.ok(refused.at - t < 8000, `answered after ${refused.at - t} ms`);
  });

  const aParameterValue =
    'a parameter value in a selector is data: the program is unchanged and the value comes out as data';
  test(aParameterValue, async () => {
    const created = await call('CreateTemplate', {
      TemplateName: 'selector-data',
      Content: template({
        Parameters: { who: { Type: 'String' } },
        Tasks: [
          {
            Name: 'list',
            Action: 'Opsgate::RunShellScript',
            Properties: { Script: `printf '%s' '[{"name":"a","id":1}]'` },
            Outputs: {
              id: { Type: 'List', ValueSelector: '.Stdout | fromjson | .[] | select(.name == "{{ who }}") | .id' },
            },
          },
          {
            Name: 'echo',
            Action: 'Opsgate::RunShellScript',
            Properties: { Script: 'true' },
            Outputs: { who: { Type: 'String', ValueSelector: '"{{ who }}"' } },
          },
        ],
      }),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const started = await call('StartExecution', { TemplateName: 'selector-data', Parameters: { who: INJECTION } });
    const e = await ended(og, started.body.Execution.ExecutionId, 20_000);
    assert.equal(e.status, 'Success', e.statusMessage);
    assert.deepEqual(
      e.tasks.list?.outputs,
      { id: [] },
      'the value is compared, not run (pasted, it gave ["INJECTED"])',
    );
    assert.deepEqual(e.tasks.echo?.outputs, { who: INJECTION });
  });
});
