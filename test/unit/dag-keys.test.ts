import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { keys } from '../../src/store/keys.js';

// Keys that moved into keys.ts keep the names they had, so what a running deployment holds stays readable.
test('keys moved into keys.ts are named as before', () => {
  const k = keys('p');
  assert.equal(k.usedApprovalLink('tok'), `p:approval-link:${createHash('sha256').update('tok').digest('hex')}`);
  assert.equal(k.robotMinute('ab12', 29000000), 'p:robot:ab12:29000000');
  assert.equal(k.consoleSeq, `${k.consoleMessages}:seq`);
  assert.equal(k.consoleOrder, `${k.consoleMessages}:order`);
});
