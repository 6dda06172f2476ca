import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHAT_ADAPTERS } from '../../src/chat/adapters.js';
import { CHAT_PLATFORMS, PEOPLE_PLATFORMS } from '../../src/config/platforms.js';

test('the registry has one adapter for each chat platform, and for nothing else', () => {
  const listed = CHAT_ADAPTERS.map((f) => f.platform);
  assert.equal(new Set(listed).size, listed.length, `listed twice: ${listed.join(', ')}`);
  assert.deepEqual([...listed].sort(), [...CHAT_PLATFORMS].sort());
});

test('the platforms the directory knows people on are chat platforms', () => {
  for (const p of PEOPLE_PLATFORMS) assert.ok((CHAT_PLATFORMS as readonly string[]).includes(p), p);
});
