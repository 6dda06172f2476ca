import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { packDoc, unpackDoc } from '../../src/store/doc-codec.js';

const doc = (n: number) =>
  JSON.stringify({
    id: `exec-${randomBytes(10).toString('hex')}`,
    templateName: `t-${n}`,
    parameters: { text: '中文 and "quotes" \\ \u0000', list: Array.from({ length: n }, (_, i) => i) },
    status: 'Waiting',
  });

test('a document that sits is deflated and reads back as the same JSON; a running one stays JSON', () => {
  for (const n of [0, 1, 50, 5000]) {
    const json = doc(n);
    const packed = packDoc(json, true) as Buffer;
    assert.equal(packed[0], 1);
    assert.equal(unpackDoc(packed), json);
    assert.equal(packDoc(json, false), json);
    assert.equal(unpackDoc(Buffer.from(json)), json, 'JSON as an older opsgate stored it');
  }
});

// Version 1's dictionary is part of what is stored: a document deflated with it must read back forever.
test('a document stored with version 1 of the dictionary reads back', () => {
  const stored = Buffer.from('AUOOLgNDI2MTUzNzC8vEpOSU1DQQHzP8SsiIQ0TqgSW+2loA', 'base64');
  assert.equal(
    unpackDoc(stored),
    '{"id":"exec-0123456789abcdef0123","templateName":"t","templateVersion":"v1","parameters":{},"status":"Success",' +
      '"tasks":{}}',
  );
});

test('a damaged stored document is an error with a code, not a crash or garbage', () => {
  const packed = packDoc(doc(10), true) as Buffer;
  assert.throws(
    () => unpackDoc(Buffer.concat([packed.subarray(0, 5), Buffer.alloc(20, 0xff)])),
    (err: Error & { code?: string }) => err.code === 'InternalError' && /does not inflate/.test(err.message),
  );
});
