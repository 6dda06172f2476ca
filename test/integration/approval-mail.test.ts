import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { approvePageRoutes } from '../../src/http/approve-page.js';
import { createHttpServer, type Route } from '../../src/http/server.js';
import { createLink, linkExpiry, readLink, useLink } from '../../src/notify/approval-links.js';
import { approvalMails } from '../../src/notify/approval-mail.js';
import { sendMail } from '../../src/notify/mail.js';
import { secretOf } from '../../src/store/secret.js';
import { startOpsgate, until, type Opsgate } from '../support/harness.js';
import { ended as endedRun, waitingTicket } from '../support/harness.js';

const SECRET = 'test-secret-for-mail-links-0123';
const DB_PASSWORD = 'hunter2-never-shown';
const SMTP_PASSWORD = 'smtp-pass-never-shown';

interface Received {
  rcpt: string[];
  user?: string;
  mail: ParsedMail;
}

/** A real SMTP server on loopback; its STARTTLS uses smtp-server's built-in certificate (self-signed, and expired). */
async function smtp(
  auth?: { user: string; pass: string },
  opts: { disabledCommands?: string[]; allowInsecureAuth?: boolean } = {},
) {
  const got: Received[] = [];
  let auths = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: !auth,
    ...opts,
    onAuth(a, _s, cb) {
      auths++;
      return a.username === auth?.user && a.password === auth?.pass
        ? cb(null, { user: a.username })
        : cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      simpleParser(stream).then((mail) => {
        got.push({
          rcpt: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          mail,
        });
        cb();
      }, cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { got, port, auths: () => auths, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

describe('approval mail: SMTP, signed single-use links, the approve page', () => {
  let og: Opsgate;
  let page: Server;
  let pageUrl: string;
  let open: Awaited<ReturnType<typeof smtp>>;
  before(async () => {
    og = await startOpsgate({
      env: {
        OPSGATE_TEMPLATES: 'test/fixtures/mail/runbooks',
        OPSGATE_DIRECTORY: 'test/fixtures/mail/directory.yaml',
        OPSGATE_SECRET: SECRET,
      },
    });
    open = await smtp();
    // The approve page on a server of its own, as the web process will mount it; its routes are
    // added once the port (and so the public URL the page links to) is known.
    const routes: Route[] = [];
    page = createHttpServer(routes, og.rt.log);
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    routes.push(
      ...approvePageRoutes({
        approvals: og.rt.approvals,
        directory: og.rt.directory,
        executions: og.rt.executionStore,
        templates: og.rt.templates,
        redis: og.rt.redis,
        keys: og.rt.keys,
        secret: () => secretOf(og.rt),
        publicUrl: pageUrl,
      }),
    );
  });
  after(async () => {
    page.closeAllConnections();
    await new Promise((r) => page.close(r));
    await open.close();
    await og.close();
  });

  const startRun = () =>
    og.rt.executions.start({
      templateName: 'mail-approve',
      parameters: { dbPassword: DB_PASSWORD },
      owner: 'alice',
      origin: { platform: 'api' },
    });
  const waiting = (id: string) => waitingTicket(og, id);
  const ended = (id: string) => endedRun(og, id);

  /** What the engine does for NotifyType Mail: each approver of the active level gets their own mail. */
  async function mailApprovers(ticketId: string) {
    const ticket = await og.rt.approvals.get(ticketId);
    const people = ticket.approvers
      .map((n) => og.rt.directory.user(n)!)
      .map((u) => ({ name: u.name, email: u.email! }));
    const mails = approvalMails(ticket, people, {
      secret: await secretOf(og.rt),
      publicUrl: pageUrl,
      subject: 'Restart billing-api?',
      body: 'Please approve restarting billing-api.',
    });
    const before = open.got.length;
    for (const mail of mails)
      await sendMail({ host: '127.0.0.1', port: open.port, from: 'opsgate@example.com', allowSelfSigned: true }, mail);
    await until(() => open.got.length === before + mails.length, 'the mails to arrive');
    return open.got.slice(before);
  }
  const linkOf = (r: Received, decision: 'Approve' | 'Reject') =>
    new RegExp(`^${decision}: +(\\S+)$`, 'm').exec(r.mail.text ?? '')![1]!;
  const tokenOf = (url: string) => new URL(url).pathname.split('/').pop()!;
  const post = (url: string, form: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });

  const oneMailPer =
    'one mail per approver, own links; GET shows and never votes; POST votes once; the run resumes; refusals ' +
    'change nothing';
  test(oneMailPer, async () => {
    const run = await startRun();
    const ticketId = await waiting(run.id);
    const mails = await mailApprovers(ticketId);
    const byName = Object.fromEntries(mails.map((r) => [r.rcpt[0]!.split('@')[0]!, r]));
    assert.deepEqual(mails.map((r) => r.rcpt).sort(), [
      ['bob@example.com'],
      ['carol@example.com'],
      ['dave@example.com'],
    ]);
    for (const [name, r] of Object.entries(byName)) {
      assert.deepEqual(addresses(r.mail.to), [`${name}@example.com`]);
      assert.deepEqual(addresses(r.mail.from), ['opsgate@example.com']);
      assert.equal(r.mail.subject, 'Restart billing-api?');
      assert.match(r.mail.text!, /Please approve restarting billing-api\./);
      assert.match(r.mail.text!, /Requested by: alice/);
      assert.match(r.mail.text!, /Tally: 0 of 2 approvals/);
      assert.doesNotMatch(r.mail.text!, /level/i, 'one level: named by none, as on its card');
      const approve = linkOf(r, 'Approve');
      assert.equal(
        approve,
        `${linkOf(r, 'Reject').replace(/\?decision=reject$/, '')}?decision=approve`,
        'both links open the same page',
      );
      assert.ok(approve.startsWith(`${pageUrl}/approve/`));
      assert.ok((r.mail.html as string).includes(`href="${approve}"`));
      const read = readLink(SECRET, tokenOf(approve));
      assert.ok(
        read.ok && read.payload.approver === name && read.payload.ticketId === ticketId,
        'each link is bound to its own approver',
      );
    }
    const bob = linkOf(byName.bob!, 'Approve');

    // A mail scanner following the link: a page with a form, no vote.
    const shown = await fetch(bob);
    assert.equal(shown.status, 200);
    assert.equal(shown.headers.get('referrer-policy'), 'same-origin');
    const html = await shown.text();
    assert.match(html, /<form method="post">/);
    assert.match(html, /You vote as <b>bob<\/b>/);
    assert.match(html, /mail-approve<\/b> v1, task <b>approveByMail/);
    assert.ok(
      html.includes('&quot;dbPassword&quot;: &quot;******&quot;') && !html.includes(DB_PASSWORD),
      'NoEcho parameters are masked',
    );
    assert.match(html, /Still needed<\/th><td>bob, carol, dave/);
    await fetch(bob, { method: 'HEAD' });
    assert.deepEqual((await og.rt.approvals.get(ticketId)).votes, []);

    const voted = await post(bob, { decision: 'approve', comment: 'looks <fine>' });
    assert.equal(voted.status, 200);
    const votedHtml = await voted.text();
    assert.match(votedHtml, /recorded \(1 of 2 approvals\)/);
    assert.ok(votedHtml.includes('looks &lt;fine&gt;'), 'the comment is escaped');
    let t = await og.rt.approvals.get(ticketId);
    assert.deepEqual(
      t.votes.map((v) => [v.voter, v.decision, v.comment]),
      [['bob', 'AGREE', 'looks <fine>']],
    );

    // The same link again, by POST (Approve or Reject) and by GET: refused, nothing changes.
    const again = await post(bob, { decision: 'reject' });
    assert.equal(again.status, 410);
    assert.match(await again.text(), /already used/);
    const reshown = await fetch(bob);
    assert.equal(reshown.status, 410);
    assert.doesNotMatch(await reshown.text(), /<form/);

    // Forged: bob's payload made dave's under bob's signature; a token of another secret; garbage.
    const [body, mac] = tokenOf(bob).split('.');
    const asDave = Buffer.from(Buffer.from(body!, 'base64url').toString().replace('"bob"', '"dave"')).toString(
      'base64url',
    );
    const foreign = createLink('some-other-secret-0123456789', {
      ticketId,
      approver: 'dave',
      expiresAt: Date.now() + 60_000,
    });
    for (const token of [`${asDave}.${mac}`, foreign, 'not-a-token']) {
      const r = await post(`${pageUrl}/approve/${token}`, { decision: 'approve' });
      assert.equal(r.status, 400, token);
      assert.match(await r.text(), /not valid/);
    }
    // Expired: rightly signed, past its time.
    const expired =
      `${pageUrl}/approve/` + `${createLink(SECRET, { ticketId, approver: 'dave', expiresAt: Date.now() - 1000 })}`;
    assert.equal((await fetch(expired)).status, 410);
    const late = await post(expired, { decision: 'approve' });
    assert.equal(late.status, 410);
    assert.match(await late.text(), /expired/);
    assert.equal(
      await og.rt.redis.exists(og.rt.keys.usedApprovalLink(tokenOf(expired))),
      0,
      'a refused link is not marked',
    );
    t = await og.rt.approvals.get(ticketId);
    assert.equal(t.votes.length, 1);
    assert.equal(t.status, 'AUDITING');

    // The second approval decides; the execution goes on.
    const decided = await post(linkOf(byName.carol!, 'Approve'), { decision: 'approve' });
    assert.equal(decided.status, 200);
    assert.match(await decided.text(), new RegExp(`Approval ${ticketId} is approved`));
    assert.equal((await ended(run.id)).status, 'Success');

    // Dave's unused link for a decided ticket: shown as decided, no form, no vote, link not spent.
    const daveLink = linkOf(byName.dave!, 'Reject');
    const closedGet = await fetch(daveLink);
    assert.equal(closedGet.status, 409);
    const closedHtml = await closedGet.text();
    assert.match(closedHtml, /already decided/);
    assert.match(closedHtml, /Approved by bob, carol/);
    assert.doesNotMatch(closedHtml, /<form/);
    assert.equal((await post(daveLink, { decision: 'reject' })).status, 409);
    t = await og.rt.approvals.get(ticketId);
    assert.equal(t.status, 'APPROVED');
    assert.deepEqual(t.votes.map((v) => v.voter).sort(), ['bob', 'carol']);
    assert.ok(
      t.votes.every((v) => v.channel === 'mail'),
      'votes through a mail link are cast by mail',
    );
  });

  test('Reject from the page (preselected by the mail link) with a comment cancels the run', async () => {
    const run = await startRun();
    const ticketId = await waiting(run.id);
    const mails = await mailApprovers(ticketId);
    const carol = linkOf(mails.find((r) => r.rcpt[0] === 'carol@example.com')!, 'Reject');
    const shown = await (await fetch(carol)).text();
    assert.match(shown, /value="reject" class="reject" autofocus/);
    assert.match(shown, /You chose <b>Reject<\/b>/);
    const missing = await post(carol, { comment: 'no decision given' });
    assert.equal(missing.status, 400);
    assert.equal((await og.rt.approvals.get(ticketId)).votes.length, 0);
    const r = await post(carol, { decision: 'reject', comment: 'not during the freeze' });
    assert.equal(r.status, 200);
    assert.match(await r.text(), new RegExp(`Approval ${ticketId} is rejected`));
    const t = await og.rt.approvals.get(ticketId);
    assert.equal(t.status, 'REJECT');
    assert.deepEqual(
      t.votes.map((v) => [v.voter, v.comment]),
      [['carol', 'not during the freeze']],
    );
    assert.equal((await ended(run.id)).status, 'Cancelled');
  });

  test('a Chinese reader: the mail in the recipient’s language and zone, the page in the browser’s', async () => {
    const run = await startRun();
    const ticketId = await waiting(run.id);
    const ticket = await og.rt.approvals.get(ticketId);
    const [mail] = approvalMails(
      ticket,
      [{ name: 'dave', email: 'dave@example.com', reader: { locale: 'zh-CN', timeZone: 'Asia/Shanghai' } }],
      { secret: await secretOf(og.rt), publicUrl: pageUrl },
    );
    assert.equal(mail!.subject, `待审批：审批单 ${ticketId}：${ticket.title}`);
    assert.match(mail!.text, /alice 请你审批。/);
    assert.match(mail!.text, /进度：已同意 0\/2/, 'the tally as the card says it');
    assert.match(mail!.text, /失效/);
    assert.match(mail!.text, /GMT\+8/, 'the expiry in the recipient’s zone, named');
    assert.match(mail!.html, /<html lang="zh-CN">/);
    const link = /^同意：(\S+)$/m.exec(mail!.text)![1]!;
    const page = await (await fetch(link, { headers: { 'accept-language': 'zh-CN' } })).text();
    assert.match(page, /<html lang="zh-CN">/);
    assert.match(page, /你以 <b>dave<\/b> 的身份审批。/);
    assert.match(page, /<button name="decision" value="approve" class="approve"[^>]*>同意<\/button>/);
    // The approval's words are its card's: title, tally, the level's mode and status.
    assert.match(page, new RegExp(`<h1>审批单 ${ticketId}：${ticket.title}</h1>`));
    assert.match(page, /<th>进度<\/th><td>已同意 0\/2<\/td>/);
    assert.match(page, /<td>1\. 审批<\/td><td>其中 2 人<\/td><td class="active">审批中<\/td>/);
    // The description opsgate made for the runbook's ticket, in the reader's language too.
    assert.doesNotMatch(page, /waits for approval/);
    await og.rt.executions.cancel(run.id, 'cancelled by the test');
  });

  test('links: used once (SET NX), expiry from the ticket timeout', async () => {
    const token = createLink(SECRET, { ticketId: '1', approver: 'bob', expiresAt: Date.now() + 60_000 });
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(readLink(SECRET, `${token}x`), { ok: false, reason: 'malformed' });
    assert.equal(await useLink(og.rt.redis, og.rt.keys, token), true);
    assert.equal(await useLink(og.rt.redis, og.rt.keys, token), false);
    const ttl = await og.rt.redis.pttl(og.rt.keys.usedApprovalLink(token));
    assert.ok(ttl > 60_000 && ttl <= 121_000, `the mark lives as long as the link (${ttl} ms)`);
    const spec = { levels: [], allowSelfApproval: false, chat: true };
    const createDate = '2030-01-01T00:00:00.000Z';
    assert.equal(
      linkExpiry({ createDate, spec: { ...spec, timeoutMs: 3600_000 } }),
      Date.parse('2030-01-01T01:00:00Z'),
      "the ticket's timeout",
    );
    assert.equal(linkExpiry({ createDate, spec }, 1_000_000), 1_000_000 + 7 * 24 * 3600_000, 'else 7 days');
  });

  const sendMailAuth =
    'sendMail: AUTH over STARTTLS; a refused password and an untrusted certificate fail without the password';
  test(sendMailAuth, async () => {
    const authed = await smtp({ user: 'opsgate', pass: SMTP_PASSWORD });
    const msg = { to: ['bob@example.com'], subject: 'hi', text: 'hello', html: '<p>hello</p>' };
    const cfg = {
      host: '127.0.0.1',
      port: authed.port,
      from: 'opsgate@example.com',
      username: 'opsgate',
      password: SMTP_PASSWORD,
      allowSelfSigned: true,
    };
    try {
      await sendMail(cfg, msg);
      assert.equal(authed.got.length, 1);
      assert.equal(authed.got[0]!.user, 'opsgate');
      for (const [bad, why] of [
        [{ ...cfg, password: `${SMTP_PASSWORD}-wrong` }, /username or password/],
        [{ ...cfg, allowSelfSigned: false }, /TLS certificate is not trusted/],
      ] as const) {
        const err = await sendMail(bad, msg).then(
          () => undefined,
          (e: Error) => e,
        );
        assert.ok(err, 'the send fails');
        assert.match(err.message, new RegExp(`through 127\\.0\\.0\\.1:${authed.port}`));
        assert.match(err.message, why);
        assert.ok(
          !JSON.stringify({ m: err.message, s: err.stack, c: (err as { cause?: unknown }).cause }).includes(
            SMTP_PASSWORD,
          ),
          err.message,
        );
      }
      const plain = await smtp(
        { user: 'opsgate', pass: SMTP_PASSWORD },
        { disabledCommands: ['STARTTLS'], allowInsecureAuth: true },
      );
      const clear = await sendMail({ ...cfg, port: plain.port }, msg)
        .then(
          () => undefined,
          (e: Error) => e,
        )
        .finally(plain.close);
      assert.match(clear!.message, /TLS failed/);
      assert.equal(plain.auths(), 0, 'a password never goes over plaintext');
      assert.equal(plain.got.length, 0);
      const down = await sendMail({ ...cfg, port: 1, timeoutMs: 2000 }, msg).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.match(down!.message, /through 127\.0\.0\.1:1/);
      assert.equal(authed.got.length, 1);
    } finally {
      await authed.close();
    }
  });
});
