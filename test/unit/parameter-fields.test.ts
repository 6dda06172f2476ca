import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrors } from '../../src/chat/run-form.js';
import { OpsgateError, ParameterError } from '../../src/errors.js';
import { resolveParameters } from '../../src/template/parameters.js';
import type { ParameterDef } from '../../src/template/schema.js';

// A run form shows each problem beside its field, from the fields the ParameterError carries.

const parameters: Record<string, ParameterDef> = {
  // A ConstraintDescription may say anything, '; ' and ': ' included.
  env: { Type: 'String', AllowedPattern: '^[a-z]+$', ConstraintDescription: 'lowercase; e.g.: prod' },
  count: { Type: 'Number' },
  region: { Type: 'String', Default: 'cn-hangzhou' },
};

async function problemOf(given: Record<string, unknown>): Promise<ParameterError> {
  try {
    await resolveParameters({ Parameters: parameters }, given);
  } catch (err) {
    assert.ok(err instanceof ParameterError);
    return err;
  }
  assert.fail('the parameters were accepted');
}

test('a ParameterError carries each parameter and its problem; its message still names them all', async () => {
  const err = await problemOf({ env: 'PROD', extra: 1 });
  assert.deepEqual(err.fields.map((f) => f.name).sort(), ['count', 'env', 'extra']);
  assert.equal(err.fields.find((f) => f.name === 'count')?.problem, 'is required (Number)');
  assert.match(err.message, /^extra: unknown parameter .*; env: must match .*; count: is required \(Number\)$/);
});

test('the run form puts each problem on its own field, whatever the problem text says', async () => {
  const err = await problemOf({ env: 'PROD' });
  const shown = fieldErrors(err, Object.keys(parameters));
  assert.deepEqual(Object.keys(shown ?? {}).sort(), ['count', 'env']);
  assert.match(shown!.env!, /^must match \^\[a-z\]\+\$ .*\(lowercase; e\.g\.: prod\)/);
  assert.equal(shown!.count, 'is required (Number)');
});

test('the run form falls back when a problem is about no field of the form, or names no field', async () => {
  assert.equal(fieldErrors(await problemOf({ extra: 1, count: 1, env: 'dev' }), Object.keys(parameters)), undefined);
  assert.equal(fieldErrors(new ParameterError('env: looks like a field but is only text'), ['env']), undefined);
  assert.equal(fieldErrors(new OpsgateError('InvalidParameter', 'count: is required (Number)'), ['count']), undefined);
});
