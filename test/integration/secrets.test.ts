import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { consolePost, ended, signIn, startOpsgate, until, type Opsgate } from '../support/harness.js';

// alice owns the templates she creates, bob is nobody special, dave is in the group `admins`.
const TOKENS = {
  alice: 'alice-token-for-secrets-0123456789',
  bob: 'bob-token-for-secrets-0123456789',
  dave: 'dave-token-for-secrets-0123456789',
};
// A quote and a double quote: the value turns up raw, shell-quoted ('\'') and JSON-escaped (\").
const SECRET = `Tr0ub4dor&3'horse"staple`;
const LEAKS = ['Tr0ub4dor', 'horse', 'staple'];

const ECHOES = `FormatVersion: OOS-2019-06-01
Parameters:
  password: { Type: String, NoEcho: true }
  label: { Type: String, Default: plain }
  final: { Type: String, Default: ok }
Tasks:
  - Name: echoIt
    Action: Opsgate::RunShellScript
    Properties:
      Script: 'echo the password is {{ password }}; echo also {{ password }} >&2'
    Outputs:
      said: { Type: String, ValueSelector: .Stdout }
      whispered: { Type: String, ValueSelector: .Stderr }
  - Name: failIt
    Action: Opsgate::RunShellScript
    OnError: ACS::NEXT
    Properties:
      Script: 'echo bad password {{ password }} >&2; exit 3'
  - Name: wrapUp
    Action: Opsgate::RunShellScript
    Properties:
      Script: 'test {{ final }} = ok || { echo final {{ password }} >&2; exit 4; }'
Outputs:
  echoed: { Type: String, Value: 'it said {{ echoIt.said }}' }
  raw: { Type: String, Value: '{{ password }}' }
`;

const INLINE = `FormatVersion: OOS-2019-06-01
Tasks:
  - Name: askRobot
    Action: ACS::Approve
    Properties:
      Approvers: [bob]
      NotifyType: WebHook
      WebHook:
        URI: https://oapi.dingtalk.com/robot/send?access_token=hook-access-token-4711&x=1
        Secret: SECrobot-secret-4711
        Headers: { Content-Type: application/json }
        Content: { msgtype: text, text: { content: please approve } }
  - Name: askMail
    Action: ACS::Approve
    Properties:
      Approvers: [bob]
      NotifyType: Mail
      Mail:
        Host: 127.0.0.1
        Port: 2525
        Username: opsgate
        Password: mail-password-4711
        From: opsgate@example.com
        Subject: approve
        Body: approve please
`;
const INLINE_SECRETS = ['hook-access-token-4711', 'SECrobot-secret-4711', 'mail-password-4711'];

const noLeak = (where: string, text: string) => {
  for (const l of LEAKS) assert.ok(!text.includes(l), `${where} shows the NoEcho value (${l}): ${text.slice(0, 2000)}`);
};

describe('NoEcho values and inline secrets never show', () => {
  let og: Opsgate;
  let cookie: string;
  before(async () => {
    og = await startOpsgate({
      env: {
        OPSGATE_API_TOKENS: Object.entries(TOKENS)
          .map(([u, t]) => `${u}:${t}`)
          .join(','),
      },
    });
    cookie = await signIn(og, TOKENS.alice);
  });
  after(async () => {
    await og.close();
  });

  const call = async (action: string, body: unknown, token = TOKENS.alice) => {
    const r = await fetch(`${og.url}/api/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, text, body: JSON.parse(text) as Record<string, any> };
  };
  const consoleState = async () =>
    (await (await fetch(`${og.url}/console/state`, { headers: { cookie } })).json()) as {
      messages: { id: string; text: string; thread?: string }[];
    };
  /** The messages in a run's thread, once its end message is there. */
  const runThread = (id: string) =>
    until(async () => {
      const { messages } = await consoleState();
      const first = messages.find((m) => !m.thread && m.text.includes(id));
      const inThread = first ? messages.filter((m) => m.thread === first.id) : [];
      return inThread.some((m) => m.text.includes(`${id}: echoes-secret`)) && inThread;
    }, 'the end message in the thread');

  const aNoechoValue =
    'a NoEcho value echoed by a script, kept in outputs and quoted in a failure is ****** in the API, the page ' +
    'and chat';
  test(aNoechoValue, async () => {
    assert.equal((await call('CreateTemplate', { TemplateName: 'echoes-secret', Content: ECHOES })).status, 200);
    const r = await consolePost(
      og,
      '/console/command',
      { text: `run echoes-secret password=Tr0ub4dor&3"'"horse'"'staple` },
      cookie,
    );
    const reply = ((await r.json()) as { reply: string }).reply;
    const id = /exec-[0-9a-f]+/.exec(reply)?.[0];
    assert.ok(id, `started: ${reply}`);
    const exec = await ended(og, id);
    assert.equal(exec.parameters.password, SECRET, 'the run got the value as typed');
    assert.equal(exec.status, 'Success', exec.statusMessage);
    assert.equal(exec.tasks.failIt!.status, 'Failed');
    assert.ok(exec.tasks.failIt!.message!.includes(SECRET), 'the stored failure quotes it (what must be masked)');

    const tasks = await call('ListTaskExecutions', { ExecutionId: id });
    assert.equal(tasks.status, 200);
    noLeak('ListTaskExecutions', tasks.text);
    const echo = tasks.body.TaskExecutions.find((t: { TaskName: string }) => t.TaskName === 'echoIt');
    assert.match(echo.Properties, /\*\*\*\*\*\*/);
    assert.match(echo.Outputs, /the password is \*\*\*\*\*\*/);
    const failed = tasks.body.TaskExecutions.find((t: { TaskName: string }) => t.TaskName === 'failIt');
    assert.match(failed.StatusMessage, /bad password \*\*\*\*\*\*/);

    const list = await call('ListExecutions', { ExecutionId: id });
    noLeak('ListExecutions', list.text);
    const listed = list.body.Executions[0];
    assert.equal(listed.Parameters.password, '******');
    assert.equal(listed.Parameters.label, 'plain');
    assert.deepEqual(JSON.parse(listed.Outputs), { echoed: 'it said the password is ******\n', raw: '******' });

    const page = await fetch(`${og.url}/executions/${id}`, { headers: { cookie } });
    assert.equal(page.status, 200);
    const html = await page.text();
    noLeak('the execution page', html.replace(/&#39;|&quot;|&amp;/g, ''));
    assert.match(html, /\*\*\*\*\*\*/);

    const status = (await (await consolePost(og, '/console/command', { text: `status ${id}` }, cookie)).json()) as {
      reply: string;
    };
    noLeak('the status reply', status.reply);
    assert.match(status.reply, /bad password \*\*\*\*\*\*/);
    assert.match(status.reply, /outputs: .*\*\*\*\*\*\*/);

    const thread = await runThread(id);
    const all = thread.map((m) => m.text).join('\n');
    noLeak('the run thread', all);
    assert.match(all, /failIt failed: .*\*\*\*\*\*\*/);
    assert.match(all, /outputs: .*\*\*\*\*\*\*/);
  });

  test("an execution's own failure message quoting a NoEcho value is ****** too", async () => {
    const r = await consolePost(
      og,
      '/console/command',
      { text: `run echoes-secret final=no password=Tr0ub4dor&3"'"horse'"'staple` },
      cookie,
    );
    const id = /exec-[0-9a-f]+/.exec(((await r.json()) as { reply: string }).reply)![0];
    const exec = await ended(og, id);
    assert.equal(exec.status, 'Failed');
    assert.ok(exec.statusMessage!.includes(SECRET));
    const list = await call('ListExecutions', { ExecutionId: id });
    noLeak('ListExecutions', list.text);
    assert.match(list.body.Executions[0].StatusMessage, /final \*\*\*\*\*\*/);
    const status = (await (await consolePost(og, '/console/command', { text: `status ${id}` }, cookie)).json()) as {
      reply: string;
    };
    noLeak('the status reply', status.reply);
    const thread = await runThread(id);
    noLeak('the run thread', thread.map((m) => m.text).join('\n'));
  });

  test('a NoEcho value passed to a child execution is masked in the child too', async () => {
    const child = `FormatVersion: OOS-2019-06-01
Parameters:
  word: { Type: String }
Tasks:
  - Name: say
    Action: Opsgate::RunShellScript
    Properties: { Script: 'echo child says {{ word }}' }
    Outputs:
      said: { Type: String, ValueSelector: .Stdout }
Outputs:
  said: { Type: String, Value: '{{ say.said }}' }
`;
    const parent = `FormatVersion: OOS-2019-06-01
Parameters:
  password: { Type: String, NoEcho: true }
Tasks:
  - Name: nested
    Action: ACS::Template
    Properties:
      TemplateName: child-says
      Parameters: { word: 'pw={{ password }}' }
`;
    assert.equal((await call('CreateTemplate', { TemplateName: 'child-says', Content: child })).status, 200);
    assert.equal((await call('CreateTemplate', { TemplateName: 'parent-passes', Content: parent })).status, 200);
    const started = await call('StartExecution', { TemplateName: 'parent-passes', Parameters: { password: SECRET } });
    const id = started.body.Execution.ExecutionId as string;
    await ended(og, id);
    const [childId] = await og.rt.executionStore.children(id);
    assert.ok(childId, 'the child ran');
    const c = await ended(og, childId);
    assert.equal(c.status, 'Success', c.statusMessage);
    for (const [what, r] of [
      ['child tasks', await call('ListTaskExecutions', { ExecutionId: childId })],
      ['child', await call('ListExecutions', { ExecutionId: childId })],
      ['parent tasks', await call('ListTaskExecutions', { ExecutionId: id })],
    ] as const) {
      assert.equal(r.status, 200);
      noLeak(what, r.text);
    }
    noLeak(
      'the child page',
      (await (await fetch(`${og.url}/executions/${childId}`, { headers: { cookie } })).text()).replace(
        /&#39;|&quot;|&amp;/g,
        '',
      ),
    );
  });

  test('GetTemplate masks inline Password, Secret and access_token for all but the owner and admins', async () => {
    const created = await call('CreateTemplate', { TemplateName: 'inline-secrets', Content: INLINE });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.Template.CreatedBy, 'alice');

    const asBob = await call('GetTemplate', { TemplateName: 'inline-secrets' }, TOKENS.bob);
    assert.equal(asBob.status, 200);
    for (const s of INLINE_SECRETS) assert.ok(!asBob.text.includes(s), `bob sees ${s}`);
    assert.match(asBob.body.Content, /access_token=\*\*\*\*\*\*&x=1/);
    assert.match(asBob.body.Content, /Secret: "?\*\*\*\*\*\*/);
    assert.match(asBob.body.Content, /Password: "?\*\*\*\*\*\*/);
    assert.match(asBob.body.Content, /Username: opsgate/, 'the rest is as written');
    // The hash bob gets is of what he sees: the real one would let a weak secret be guessed offline.
    assert.equal(asBob.body.Template.Hash, createHash('sha256').update(asBob.body.Content).digest('hex'));
    assert.notEqual(asBob.body.Template.Hash, created.body.Template.Hash);

    for (const who of ['alice', 'dave'] as const) {
      const r = await call('GetTemplate', { TemplateName: 'inline-secrets' }, TOKENS[who]);
      assert.equal(r.body.Content, INLINE, `${who} sees the template as written`);
    }
  });
});
