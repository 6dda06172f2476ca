import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/bin/config.js';
import { CHAT_ADAPTERS } from '../../src/chat/adapters.js';
import { Directory } from '../../src/config/directory.js';
import { teamsChat } from '../support/teams-chat.js';

const withTeams = [...CHAT_ADAPTERS, teamsChat];

test("a registered platform's variables are parsed in the one schema, with the same messages", () => {
  const message = (env: Record<string, string>) => {
    try {
      loadConfig(env, withTeams);
      return 'no error';
    } catch (err) {
      return (err as Error).message;
    }
  };
  assert.equal(
    message({ TEAMS_APP_ID: 'nope', TEAMS_APP_PASSWORD: 'password-1' }),
    'TEAMS_APP_ID must start with app- (got "nope")',
  );
  assert.equal(message({ TEAMS_APP_PASSWORD: 'hunter2-pw' }), 'TEAMS_APP_ID is required with the other Teams key');
  // A password is never echoed, as tokens, secrets and keys are not.
  assert.equal(message({ TEAMS_APP_ID: 'app-1', TEAMS_APP_PASSWORD: 'short' }), 'TEAMS_APP_PASSWORD is too short');
  assert.equal(message({ TEAMS_APP_ID: 'app-1' }), 'TEAMS_APP_PASSWORD is required with the other Teams key');
  // The base and the other platforms still check theirs, in the same schema.
  assert.match(
    message({ TEAMS_APP_ID: 'app-1', TEAMS_APP_PASSWORD: 'password-1', PORT: 'x' }),
    /^PORT must be a port number/,
  );
  assert.match(message({ SLACK_BOT_TOKEN: 'xoxb-1' }), /^SLACK_SIGNING_SECRET is required when Slack is configured/);
});

test("a registered platform's settings come from its variables; absent, it is off", () => {
  const on = loadConfig({ TEAMS_APP_ID: 'app-1', TEAMS_APP_PASSWORD: 'password-1' }, withTeams);
  assert.deepEqual(on.platforms.settings(teamsChat.env), { appId: 'app-1', password: 'password-1' });
  assert.equal(loadConfig({}, withTeams).platforms.settings(teamsChat.env), undefined);
  // Kept out of what a log line of the config would show.
  assert.doesNotMatch(JSON.stringify(on), /password-1/);
  // A registry without it neither reads its variables nor answers for it.
  assert.throws(() => loadConfig({ TEAMS_APP_ID: 'app-1' }).platforms.settings(teamsChat.env), /did not parse/);
});

test("the directory takes a registered platform's people key, and refuses it when none registers it", () => {
  const people = loadConfig({}, withTeams).platforms.people;
  assert.deepEqual(people, ['slack', 'dingtalk', 'teams']);
  const data = { users: { alice: { teams: 'T1', slack: 'U1', groups: ['sre'] } } };
  const d = new Directory(data, people);
  assert.equal(d.byPlatform('teams', 'T1')?.name, 'alice');
  assert.equal(d.byPlatform('slack', 'U1')?.name, 'alice');
  assert.deepEqual(d.user('alice')?.ids, { slack: 'U1', teams: 'T1' });

  const file = join(mkdtempSync(join(tmpdir(), 'opsgate-dir-')), 'directory.yaml');
  writeFileSync(file, 'users:\n  alice: { teams: T1, slack: U1 }\n');
  assert.equal(Directory.load(file, people).byPlatform('teams', 'T1')?.name, 'alice');
  assert.throws(
    () => Directory.load(file, loadConfig({}).platforms.people),
    (e: Error) => e.message === `OPSGATE_DIRECTORY ${file}: users.alice Unrecognized key: "teams"`,
  );
});

test('a people platform named like a field of the directory is refused', () => {
  assert.throws(() => new Directory({}, ['email']), /chat platform email cannot list people/);
});
