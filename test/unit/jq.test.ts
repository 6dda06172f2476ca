import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runJq } from '../../src/template/jq.js';

test('jq keeps answering over thousands of runs in one process (one jq-wasm instance breaks after ~310)', async () => {
  const input = { Instances: { Instance: [{ InstanceId: 'i-1' }, { InstanceId: 'i-2' }] } };
  for (let i = 0; i < 1500; i++) {
    assert.deepEqual(await runJq(input, '.Instances.Instance[].InstanceId', 'ValueSelector'), ['i-1', 'i-2']);
    if (i % 100 === 0) await assert.rejects(runJq(input, '.[', 'ValueSelector'), /ValueSelector: syntax error/);
  }
});
