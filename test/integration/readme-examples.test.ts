import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ended, startOpsgate, waitingTicket, type Opsgate } from '../support/harness.js';

// The README teaches the template language by example: every example there is loaded and run here, and
// every claim it makes of a run (`run NAME args` ends `Status` with Outputs `{...}`; runs the tasks a, b)
// is checked, so the README cannot drift from what opsgate does.
const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('### The template language by example'));
const body = section.slice(0, section.slice(4).search(/\n#{2,3} /) + 4);
const examples = [...body.matchAll(/```yaml\n# file: ([\w-]+)\.yaml\n([\s\S]*?)```/g)].map((m) => ({
  name: m[1]!,
  yaml: m[2]!,
}));
const flat = body.replace(/\s*\n\s*/g, ' ');
const outputClaims = [...flat.matchAll(/`run ([^`]+)` ends `(\w+)` with Outputs `(\{.*?\})`/g)].map((m) => ({
  command: m[1]!,
  status: m[2]!,
  outputs: JSON.parse(m[3]!) as unknown,
}));
const taskClaims = [...flat.matchAll(/`run ([^`]+)` runs the tasks ([\w, ]+?)[;(.]/g)].map((m) => ({
  command: m[1]!,
  tasks: m[2]!.split(',').map((t) => t.trim()),
}));

describe('the README examples of the template language', () => {
  let og: Opsgate;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-readme-'));
    for (const e of examples) writeFileSync(join(dir, `${e.name}.yaml`), e.yaml);
    og = await startOpsgate({ env: { OPSGATE_TEMPLATES: dir } });
  });
  after(async () => {
    await og.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `NAME key=value ...` as alice, approving as bob whenever it waits for an approval. */
  async function run(command: string) {
    const [name, ...pairs] = command.split(' ');
    const parameters = Object.fromEntries(pairs.map((p) => p.split('=') as [string, string]));
    const exec = await og.rt.executions.start({
      templateName: name!,
      parameters,
      owner: 'alice',
      origin: { platform: 'api' },
    });
    if (examples.find((e) => e.name === name)?.yaml.includes('ACS::Approve')) {
      const ticket = await waitingTicket(og, exec.id);
      await og.rt.approvals.vote(ticket, og.rt.directory.user('bob'), 'AGREE', undefined, 'api');
    }
    return ended(og, exec.id, 30_000);
  }

  test('are found, with claims to check', () => {
    assert.ok(examples.length >= 4, `examples found: ${examples.map((e) => e.name).join(', ')}`);
    assert.ok(outputClaims.length >= 2 && taskClaims.length >= 2);
  });

  test('end with the status and Outputs the README says', async () => {
    for (const claim of outputClaims) {
      const e = await run(claim.command);
      assert.equal(e.status, claim.status, `${claim.command}: ${e.statusMessage ?? ''}`);
      assert.deepEqual(e.outputs, claim.outputs, claim.command);
    }
  });

  test('run the tasks the README says, in its order', async () => {
    for (const claim of taskClaims) {
      const e = await run(claim.command);
      const ran = Object.entries(e.tasks)
        .sort(([, a], [, b]) => a.startDate.localeCompare(b.startDate))
        .map(([name]) => name);
      assert.deepEqual(ran, claim.tasks, `${claim.command}: ${e.status} ${e.statusMessage ?? ''}`);
    }
  });
});
