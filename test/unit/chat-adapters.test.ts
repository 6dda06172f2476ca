import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHAT_ADAPTERS } from '../../src/chat/adapters.js';
import { loadConfig } from '../../src/bin/config.js';
import { NO_CHAT_PLATFORMS } from '../../src/config/platforms.js';

test('the registry has one adapter for each chat platform, and for nothing else', () => {
  const listed = CHAT_ADAPTERS.map((f) => f.platform);
  assert.equal(new Set(listed).size, listed.length, `listed twice: ${listed.join(', ')}`);
  for (const p of listed) assert.match(p, /^[a-z][a-z0-9_-]*$/);
  for (const p of NO_CHAT_PLATFORMS) assert.ok(!(listed as readonly string[]).includes(p), p);
});

test('the platforms the directory knows people on are chat platforms', () => {
  const people = loadConfig({}).platforms.people;
  // directory.yaml's `slack:` and `dingtalk:` keys are theirs.
  for (const p of ['slack', 'dingtalk']) assert.ok(people.includes(p), p);
  for (const p of people)
    assert.ok(
      CHAT_ADAPTERS.some((f) => f.platform === p && f.people),
      p,
    );
});

test('a registry that names a platform twice, or api or cli, stops start-up naming it', () => {
  const [, slack] = CHAT_ADAPTERS;
  assert.throws(() => loadConfig({}, [...CHAT_ADAPTERS, slack]), /"slack" is registered twice/);
  assert.throws(() => loadConfig({}, [{ ...slack, platform: 'api' }]), /"api" is not a chat platform/);
  assert.throws(
    () => loadConfig({}, [slack, { ...slack, platform: 'slack2' }]),
    / SLACK_BOT_TOKEN is declared twice \(chat platform slack2\)/,
  );
});
