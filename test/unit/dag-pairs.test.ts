import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyValues, tokenize } from '../../src/chat/tokenize.js';

// The one key=value parser of `run TEMPLATE [key=value ...]` (chat run command, run form, opsgate run).
test('key=value words: the first = splits, values may be empty or hold =, later keys win', () => {
  assert.deepEqual(keyValues(['a=1', 'b=', 'c=x=y', 'a=2']), { ok: true, value: { a: '2', b: '', c: 'x=y' } });
  assert.deepEqual(keyValues([]), { ok: true, value: {} });
  assert.deepEqual(keyValues(tokenize('msg="hello world" n=1')), { ok: true, value: { msg: 'hello world', n: '1' } });
});

test('a word without a key or without = is named as the bad one', () => {
  assert.deepEqual(keyValues(['a=1', 'target', 'b=2']), { ok: false, word: 'target' });
  assert.deepEqual(keyValues(['=x']), { ok: false, word: '=x' });
  assert.deepEqual(keyValues(['']), { ok: false, word: '' });
});
