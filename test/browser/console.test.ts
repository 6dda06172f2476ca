import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Target } from '../fakes/target.js';
import { launch, snap } from '../support/browser.js';
import { ended, startOpsgate, waitingTicket, type Opsgate } from '../support/harness.js';

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
  });
});
