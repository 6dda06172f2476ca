import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startOpsgate, type Opsgate } from '../support/harness.js';

// The README's Node example of "Use the Alibaba Cloud SDKs with opsgate", run as its reader would run it:
// a file of its own, node, the official client from node_modules, the endpoint and keys in the environment.
const readme = readFileSync('README.md', 'utf8');
const example = /```js\n(\/\/ file: sdk-example\.mjs[\s\S]*?)```/.exec(readme)?.[1];
const claim = /it prints `(ticket \d+: [^`]+)` and\s+`exec-\.\.\. (\w+) ([^`]+)`/.exec(readme);

const KEYS = {
  alice: ['LTAIopsgateAlice01', 'alice-secret-0123456789'],
  bob: ['LTAIopsgateBob0002', 'bob-secret-0123456789ab'],
};

describe("the README's SDK example", () => {
  let og: Opsgate;
  // Inside the project, so that the example's imports resolve from its node_modules.
  const dir = join('test-results', 'readme-sdk');
  before(async () => {
    og = await startOpsgate({
      env: {
        OPSGATE_TEMPLATES: 'runbooks',
        OPSGATE_DIRECTORY: 'directory.yaml',
        OPSGATE_ACCESS_KEYS: Object.entries(KEYS)
          .map(([user, [id, secret]]) => `${user}:${id}:${secret}`)
          .join(','),
      },
    });
    mkdirSync(dir, { recursive: true });
  });
  after(async () => {
    await og.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('alice starts restart-service, bob approves its ticket DMS-style; it prints what the README says', async () => {
    assert.ok(example, 'the README has the sdk-example.mjs block');
    assert.ok(claim, 'the README says what the example prints');
    const file = join(dir, 'sdk-example.mjs');
    writeFileSync(file, example);
    const { stdout } = await promisify(execFile)(process.execPath, [file], {
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        OOS_ENDPOINT: og.url.replace(/^http:\/\//, ''),
        OOS_PROTOCOL: 'HTTP',
        STARTER_KEY_ID: KEYS.alice[0],
        STARTER_KEY_SECRET: KEYS.alice[1],
        APPROVER_KEY_ID: KEYS.bob[0],
        APPROVER_KEY_SECRET: KEYS.bob[1],
      },
    });
    const [ticketLine, doneLine] = stdout.trim().split('\n');
    assert.equal(ticketLine, claim[1]);
    // The README's words are compared as text, not made into a pattern: the run's id, then what it says.
    const space = doneLine!.indexOf(' ');
    assert.match(doneLine!.slice(0, space), /^exec-[0-9a-f]+$/);
    assert.equal(doneLine!.slice(space + 1), `${claim[2]} ${claim[3]}`);
    const ticket = await og.rt.approvals.get(/ticket (\d+)/.exec(ticketLine!)![1]!);
    assert.deepEqual(
      ticket.votes.map((v) => [v.voter, v.decision, v.comment]),
      [['bob', 'AGREE', 'go ahead']],
    );
  });
});
