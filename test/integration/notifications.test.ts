import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { FakeDingTalkRobot } from '../fakes/dingtalk-robot.js';
import { Target } from '../fakes/target.js';
import { consolePost, startOpsgate, until, type Opsgate } from '../support/harness.js';

describe('approvals announced by a DingTalk robot and by mail; a mail-only approver approves from the link', () => {
  let og: Opsgate;
  let target: Target;
  let robot: FakeDingTalkRobot;
  let smtp: SMTPServer;
  let smtpPort = 0;
  const mails: { to: string; subject: string; text: string }[] = [];

  before(async () => {
    target = await new Target().start();
    robot = await new FakeDingTalkRobot({ accessToken: 'robot-token-123', secret: 'SECrobotsecret' }).start();
    // A plain SMTP server on loopback (its built-in certificate is expired, so no STARTTLS here).
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, done) {
        simpleParser(stream).then((m) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: m.subject ?? '',
            text: m.text ?? '',
          });
          done();
        }, done);
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    og = await startOpsgate({
      env: {
        OPSGATE_TEMPLATES: 'test/fixtures/notify',
        OPSGATE_DIRECTORY: 'test/fixtures/config/notify-directory.yaml',
      },
    });
  });
  after(async () => {
    await og.close();
    await robot.stop();
    await target.stop();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  const start = (templateName: string, parameters: Record<string, unknown>) =>
    og.rt.executions.start({
      templateName,
      parameters: { target: target.url, ...parameters },
      owner: 'alice',
      origin: { platform: 'console', channel: 'console' },
    });
  const status = (id: string, want: string) =>
    until(
      async () => {
        const e = await og.rt.executionStore.get(id);
        return e.status === want && e;
      },
      `${id} ${want}`,
      15_000,
    );

  const theRobotGets =
    'the robot gets the message of the template, signed, with the approvers @-mentioned and the execution link';
  test(theRobotGets, async () => {
    const e = await start('robot-approval', { webHookUrl: robot.url, robotSecret: 'SECrobotsecret' });
    await status(e.id, 'Waiting');
    const msg = await until(() => robot.messages[0], 'the robot message');
    const body = msg.body as {
      msgtype: string;
      text: { content: string };
      at: { atMobiles: string[]; atUserIds: string[] };
    };
    assert.equal(body.msgtype, 'text');
    assert.match(body.text.content, new RegExp(`please approve the restart, sent by oos ${e.id}\\.`));
    assert.match(body.text.content, new RegExp(`/executions/${e.id}`));
    assert.deepEqual(body.at.atMobiles.sort(), ['13800000002', '13800000003']);
    assert.match(body.text.content, /@13800000002/);
    const page = await (await fetch(`${og.url}/executions/${e.id}`)).text();
    assert.doesNotMatch(page, /SECrobotsecret|robot-token-123/, 'no secret on the page');
    const ticket = String((await og.rt.executionStore.get(e.id)).tasks.approveRestart!.data!.ticketId);
    await og.rt.approvals.vote(ticket, og.rt.directory.user('bob'), 'AGREE');
    await status(e.id, 'Success');
  });

  test('a mail per approver with their own link; the GET shows the ticket, the POST approves', async () => {
    const e = await start('mail-approval', { smtpPort });
    await status(e.id, 'Waiting');
    const mail = await until(() => mails.find((m) => m.to === 'carol@example.com'), 'the mail to carol');
    assert.match(mail.subject, /Please approve the restart/);
    const link = /(http:\/\/[^\s>"]+\/approve\/[A-Za-z0-9_.-]+)/.exec(mail.text)![1]!;
    const url = link.replace(/^http:\/\/[^/]+/, og.url);
    const shown = await fetch(url);
    assert.equal(shown.status, 200);
    assert.match(await shown.text(), /Approve/);
    assert.equal((await og.rt.executionStore.get(e.id)).status, 'Waiting', 'a GET never votes');
    const voted = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve&comment=from+the+mail',
    });
    assert.equal(voted.status, 200);
    await status(e.id, 'Success');
    const again = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    assert.ok(again.status >= 400, 'a link works once');
  });

  test('ACS::Notify posts to the robot with the link in the markdown text; a refusal fails the task', async () => {
    const before = robot.messages.length;
    const e = await og.rt.executions.start({
      templateName: 'robot-notify',
      parameters: { webHookUrl: robot.url },
      origin: { platform: 'api' },
    });
    const done = await until(async () => {
      const x = await og.rt.executionStore.get(e.id);
      return ['Success', 'Failed'].includes(x.status) && x;
    }, 'the notify');
    assert.equal(
      done.status,
      'Failed',
      'the robot has a secret and the template gives none: DingTalk refuses the unsigned message',
    );
    assert.match(done.statusMessage!, /errcode 310000/);
    assert.doesNotMatch(done.statusMessage!, /robot-token-123/);
    assert.equal(robot.messages.length, before);
  });

  const aRobotGets =
    'a robot gets at most 20 messages a minute: the 21st waits for the next minute instead of being throttled';
  test(aRobotGets, async () => {
    const busy = await new FakeDingTalkRobot({ accessToken: 'busy-robot' }).start();
    try {
      const runs = await Promise.all(
        Array.from({ length: 21 }, () => start('robot-approval', { webHookUrl: busy.url, robotSecret: '' })),
      );
      await until(() => busy.messages.length >= 20 && busy.messages.length, '20 messages', 20_000);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(busy.messages.length, 20);
      const delayed = await og.rt.producer.steps.getDelayed();
      assert.ok(
        delayed.some((j) => j.name === 'deliver'),
        'the 21st delivery waits as a delayed job',
      );
      for (const r of runs) assert.deepEqual(await og.rt.executions.deliveries(r.id), [], 'nothing failed');
      for (const r of runs) await og.rt.executions.cancel(r.id);
    } finally {
      await busy.stop();
    }
  });

  const aWebhookThat =
    'a webhook that answers 500 leaves the execution Waiting, approvable in chat, and the failure is recorded';
  test(aWebhookThat, async () => {
    robot.httpStatusNext(500);
    for (let i = 0; i < 10; i++) robot.httpStatusNext(500);
    const e = await start('robot-approval', {
      webHookUrl: `${robot.base}/nowhere/robot/send?access_token=robot-token-123`,
      robotSecret: 'x',
    });
    await status(e.id, 'Waiting');
    const failures = await until(
      async () => {
        const f = await og.rt.executions.deliveries(e.id);
        return f.length > 0 && f;
      },
      'the recorded failure',
      60_000,
    );
    assert.doesNotMatch(JSON.stringify(failures), /robot-token-123/);
    assert.ok(failures[0]!.text, 'kept with its catalogue message, for readers of other languages');
    const reply = await consolePost(og, '/console/command', {
      user: 'carol',
      text: `approve ${String((await og.rt.executionStore.get(e.id)).tasks.approveRestart!.data!.ticketId)}`,
    });
    assert.match(((await reply.json()) as { reply: string }).reply, /is approved/);
    await status(e.id, 'Success');
  });
});
