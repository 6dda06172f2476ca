import assert from 'node:assert/strict';
import { test } from 'node:test';
import { said } from '../../src/engine/message.js';
import { statusMessageIn, taskMessageIn } from '../../src/engine/types.js';

test('a message shows in the reader language from its text, in English as stored', () => {
  const waiting = said('actions:waitingForApproval', { id: 'tk-1' });
  const task = { message: waiting.message, text: waiting.text };
  assert.equal(taskMessageIn(task, 'en'), 'waiting for approval tk-1');
  assert.equal(taskMessageIn(task, 'zh-CN'), '等待审批 tk-1');
  assert.equal(taskMessageIn({ message: 'from an older version' }, 'zh-CN'), 'from an older version');
  assert.equal(taskMessageIn({}, 'zh-CN'), undefined);
});

test('a text the English no longer says (a writer that set only the message) is not shown', () => {
  const waiting = said('actions:waitingForApproval', { id: 'tk-1' });
  // A cancel by hand sets the English and keeps the rest of the record.
  const cancelled = { statusMessage: 'cancelled by alice', statusText: waiting.text };
  assert.equal(statusMessageIn(cancelled, 'zh-CN'), 'cancelled by alice');
  assert.equal(statusMessageIn({ statusMessage: undefined, statusText: waiting.text }, 'zh-CN'), undefined);
});
