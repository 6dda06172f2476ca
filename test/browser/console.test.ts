import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Target } from '../fakes/target.js';
import { ARTIFACTS, launch, snap } from '../support/browser.js';
import { ended, startOpsgate, waitingTicket, type Opsgate } from '../support/harness.js';

after(() => console.log(`browser screenshots: ${resolve(ARTIFACTS)}`));

/** An English sentence: two words of two letters or more in a row. */
const ENGLISH = /[A-Za-z]{2,}[ \t]+[A-Za-z]{2,}/;

const TOKENS = {
  alice: 'alice-browser-token-0123456789',
  bob: 'bob-browser-token-0123456789',
  carol: 'carol-browser-token-0123456789',
  dave: 'dave-browser-token-0123456789',
};

describe('in a real browser: sign in, run from the console, approve, watch the execution page', () => {
  let og: Opsgate;
  let target: Target;
  let browser: Browser;
  before(async () => {
    target = await new Target().start();
    og = await startOpsgate({
      env: {
        OPSGATE_API_TOKENS: Object.entries(TOKENS)
          .map(([u, t]) => `${u}:${t}`)
          .join(','),
      },
    });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await og?.close();
    await target?.stop();
  });

  /** What any page's Content-Security-Policy refused (the pages run only scripts of their own site). */
  const refused: string[] = [];
  const watchCsp = (page: Page) =>
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(`${page.url()}: ${m.text()}`);
    });

  /** A browser of its own for `user`, signed in through the sign-in form. */
  async function signedIn(user: keyof typeof TOKENS): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.on('page', watchCsp);
    const page = await context.newPage();
    await page.goto(`${og.url}/`);
    assert.match(page.url(), /\/login$/, 'the console asks for sign-in first');
    await page.fill('input[name=token]', TOKENS[user]);
    await page.click('button');
    await page.waitForURL(`${og.url}/`);
    await page.locator('#myname', { hasText: user }).waitFor();
    return page;
  }

  test('the whole way, as three people', async () => {
    const alice = await signedIn('alice');
    await snap(alice, '1-console-signed-in');
    await alice.fill('#text', `run two-approvals target=${target.url}`);
    await alice.press('#text', 'Enter');
    const reply = await alice.locator('.msg.private', { hasText: 'Started two-approvals' }).textContent();
    const execId = /(exec-[0-9a-f]+)/.exec(reply ?? '')![1]!;
    const ticketId = await waitingTicket(og, execId);
    const card = alice.locator(`.card[data-ticket="${ticketId}"]`);
    await card.waitFor();
    await snap(alice, '2-approval-card');

    // The execution page, open before the approvals: what follows must arrive live.
    const watch = await alice.context().newPage();
    await watch.goto(`${og.url}/executions/${execId}`);
    await watch.locator('#timeline').waitFor();
    await watch.locator('#timeline [data-task="approve"][data-status="Waiting"]').first().waitFor();

    for (const user of ['bob', 'carol'] as const) {
      const page = await signedIn(user);
      await page.locator(`.card[data-ticket="${ticketId}"] button[data-action="approve"]`).click();
      await page.locator(`.card[data-ticket="${ticketId}"] [data-testid="tally"]`, { hasText: user }).waitFor();
      if (user === 'bob') await snap(page, '3-bob-approved');
    }
    await card.locator('[data-testid="outcome"]').waitFor();
    assert.equal(await card.locator('button').count(), 0, 'a decided card has no buttons');

    await watch.locator('#timeline [data-task="deploy"][data-status="Success"]').first().waitFor({ timeout: 15_000 });
    assert.equal((await ended(og, execId)).status, 'Success');
    await watch.locator('text=Success').first().waitFor();
    await snap(watch, '4-execution-page-success');
    const svg = await watch.locator('#timeline').innerHTML();
    assert.match(svg, /data-task="approve"/);
    assert.equal(target.hits.length, 1, 'the last task ran once');

    // The link in a chat message is another site's link: it opens the page signed in.
    const fromChat = await alice.context().newPage();
    await fromChat.setContent(`<a id="link" href="${og.url}/executions/${execId}">${execId}</a>`);
    await fromChat.click('#link');
    await fromChat.locator('#timeline').waitFor();
    assert.equal(fromChat.url(), `${og.url}/executions/${execId}`);

    // The list, filtered as a person would: from the console's link, by status.
    await alice.click('a[href="/executions"]');
    await alice.selectOption('select[name=status]', 'Success');
    await alice.click('form.filters button');
    await alice.waitForURL(/status=Success/);
    await alice.locator(`tr[data-execution="${execId}"]`).waitFor();
    await snap(alice, '5-executions-list');
    assert.deepEqual(refused, [], 'nothing the pages need is refused by their CSP');
  });

  test('an administrator opens the queue dashboard (bull-board) and sees both queues', async () => {
    const dave = await signedIn('dave');
    const elsewhere: string[] = [];
    // What left the browser: a request the page's CSP refused never goes out.
    dave.on('request', (r) => {
      if (!r.url().startsWith(og.url) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    dave.on('requestfailed', (r) => {
      const i = elsewhere.indexOf(r.url());
      if (i >= 0 && r.failure()?.errorText === 'csp') elsewhere.splice(i, 1);
    });
    await dave.locator('#queues').click();
    await dave.waitForURL(`${og.url}/admin/queues`);
    await dave.getByText('steps', { exact: false }).first().waitFor();
    await dave.getByText('notify', { exact: false }).first().waitFor();
    await dave.locator('text=Jobs').first().waitFor();
    await snap(dave, '6-queue-dashboard');
    assert.deepEqual(elsewhere, [], 'nothing is loaded from outside');
    // Its menu leads back to the console.
    const back = dave.locator('a[href="/"]', { hasText: 'opsgate console' });
    if (!(await back.isVisible())) await dave.locator('header ul li button').last().click();
    await back.click();
    await dave.waitForURL(`${og.url}/`);
    await dave.locator('#myname', { hasText: 'dave' }).waitFor();
  });
});

describe('in a real browser, on a phone, in Chinese: development mode, as three people who read Chinese', () => {
  let og: Opsgate;
  let target: Target;
  let browser: Browser;
  const PHONE = { width: 390, height: 844 };
  before(async () => {
    target = await new Target().start();
    og = await startOpsgate({
      env: {
        OPSGATE_DIRECTORY: 'test/fixtures/browser/directory.yaml',
        OPSGATE_TEMPLATES: 'test/fixtures/runbooks:test/fixtures/browser/runbooks',
      },
    });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await og?.close();
    await target?.stop();
  });

  /** The page's text a person reads: its own words and what the channel said (run messages, cards, replies). */
  // Run in the page (strings: the test compiles without the DOM's types).
  const readable = (page: Page) =>
    page.evaluate<string>(`(() => {
      const body = document.body.cloneNode(true);
      for (const n of body.querySelectorAll('script, style, select, [hidden], dialog:not([open])')) n.remove();
      return body.innerText;
    })()`);
  /** Nothing runs off the right edge: the page is no wider than the phone. */
  const fits = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  test('run, approve, reject with a reason, read the execution page: Chinese throughout, nothing clipped', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${og.url}/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    const picker = page.locator('#user');
    await picker.waitFor();
    const box = (await picker.boundingBox())!;
    assert.ok(
      box.x >= 0 && box.x + box.width <= PHONE.width,
      `the user picker is on the screen: ${JSON.stringify(box)}`,
    );
    assert.ok(await fits(page), 'the header does not overflow the phone');
    await page.selectOption('#user', 'li');
    await page.locator('#status', { hasText: '已连接' }).waitFor();
    await snap(page, 'zh-1-console-phone');

    // What li types is a command (its words stay English); the page's echo of it is left out of what is read.
    const typed = `run two-approvals-zh target=${target.url}`;
    await page.fill('#text', typed);
    await page.press('#text', 'Enter');
    const echoed = page.locator('.msg.private', { hasText: '（仅你可见）> run two-approvals-zh' });
    await echoed.waitFor();
    const reply = await page.locator('.msg.private').nth(1).textContent();
    const execId = /(exec-[0-9a-f]+)/.exec(reply ?? '')![1]!;
    assert.equal(
      await page.locator(`.msg.private a[href="/executions/${execId}"]`).count(),
      1,
      'the execution id in the reply links to its page',
    );
    const ticketId = await waitingTicket(og, execId);
    const card = page.locator(`.card[data-ticket="${ticketId}"]`);
    await card.waitFor();
    assert.equal(await card.locator('button[data-action="approve"]').textContent(), '同意');
    assert.equal(await card.locator('button[data-action="reject"]').textContent(), '拒绝');

    // li started the run: their Approve is refused, and the answer sits beside the card, not at the bottom.
    await card.locator('button[data-action="approve"]').click();
    // Waited for by what it says: the replies to the run command are private too, and may be there first.
    await page.locator('.replies .msg.private', { hasText: '你启动的' }).waitFor();
    const beside = await page.evaluate<boolean>(`(() => {
      const cardMsg = document.querySelector('.card[data-ticket="${ticketId}"]').closest('.msg');
      let next = cardMsg.nextElementSibling;
      if (next && next.classList.contains('thread')) next = next.nextElementSibling;
      return !!next && next.classList.contains('replies') && next.querySelectorAll('.private').length === 1;
    })()`);
    assert.ok(beside, 'the refusal is grouped with the card it answers');
    await snap(page, 'zh-2-card-and-private-reply');
    const mine = (await readable(page)).split(typed).join(' ');
    assert.doesNotMatch(mine, ENGLISH, `the console is Chinese, the channel's messages too: ${mine}`);

    // Another person acts: what was said to li alone goes away.
    await page.selectOption('#user', 'wang');
    await page.locator('.msg.private').first().waitFor({ state: 'detached' });
    await card.locator('button[data-action="approve"]').click();
    await card.locator('[data-testid="tally"]', { hasText: 'wang' }).waitFor();

    // zhao rejects: asked why first, and the reason goes with the vote.
    await page.selectOption('#user', 'zhao');
    await card.locator('button[data-action="reject"]').click();
    const dialog = page.locator('dialog#reject');
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', new RegExp(`拒绝审批单 ${ticketId} 的原因`));
    await snap(page, 'zh-3-reject-reason');
    await page.fill('#reason', '变更冻结期间不发布');
    await dialog.locator('button[value="reject"]').click();
    await card.locator('[data-testid="outcome"]').waitFor();
    const ticket = await og.rt.approvals.get(ticketId);
    assert.deepEqual(
      ticket.votes.map((v) => [v.voter, v.decision, v.comment ?? '']),
      [
        ['wang', 'AGREE', ''],
        ['zhao', 'REJECT', '变更冻结期间不发布'],
      ],
    );
    assert.equal((await ended(og, execId)).status, 'Cancelled');
    // The run's messages, its progress, the decided card and the replies: all in li's and zhao's Chinese.
    await page.locator('.thread .msg', { hasText: '已取消' }).first().waitFor();
    const decided = (await readable(page)).split(typed).join(' ');
    console.log('DECIDED', decided);
    assert.doesNotMatch(decided, ENGLISH, `the channel speaks Chinese throughout: ${decided}`);

    // The execution page, from the message's link: Chinese, in li's zone, its timeline scrolls rather than clips.
    await page.selectOption('#user', 'li');
    await page.locator(`.msg a[href="/executions/${execId}"]`).first().click();
    await page.waitForURL(`${og.url}/executions/${execId}`);
    await page.locator('#timeline').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.ok(await fits(page), 'the execution page is no wider than the phone');
    const timeline = await page.evaluate<{ overflow: string; scroll: number; client: number }>(`(() => {
      const t = document.querySelector('.timeline');
      return { overflow: getComputedStyle(t).overflowX, scroll: t.scrollWidth, client: t.clientWidth };
    })()`);
    assert.ok(
      timeline.scroll <= timeline.client || timeline.overflow === 'auto' || timeline.overflow === 'scroll',
      `the timeline scrolls or fits: ${JSON.stringify(timeline)}`,
    );
    await snap(page, 'zh-4-execution-page-phone');
    // What a person sees (rendered text), less names, ids and the parameters' JSON.
    const seen = await page.evaluate<string>('document.body.innerText');
    const text = seen.replace(/two-approvals-zh|exec-[0-9a-f]+|ACS::\w+|\{[\s\S]*?\}/g, ' ');
    console.log('PAGE', text);
    assert.doesNotMatch(text, ENGLISH, `the execution page is Chinese: ${text}`);
    assert.match(text, /GMT\+8/, "times in li's zone (Asia/Shanghai), named");
    await context.close();
  });
});
