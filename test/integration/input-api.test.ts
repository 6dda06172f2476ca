import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { callApi, startOpsgate, type Opsgate } from '../support/harness.js';
import { aliasBomb } from '../support/yaml-bomb.js';

const TOKEN = 'api-token-for-input-tests-0123';

describe('hostile template input through /api', () => {
  let og: Opsgate;
  before(async () => {
    og = await startOpsgate({ worker: false, env: { OPSGATE_API_TOKENS: `alice:${TOKEN}` } });
  });
  after(async () => {
    await og.close();
  });

  const call = (action: string, body: unknown) => callApi(og, TOKEN, action, body);

  const anAliasBomb =
    'an alias bomb is answered 400 InvalidTemplate naming the limit, by CreateTemplate and ValidateTemplateContent';
  test(anAliasBomb, async () => {
    for (const brokenIndent of [true, false]) {
      const Content = aliasBomb({ brokenIndent });
      const created = await call('CreateTemplate', { TemplateName: 'laughs', Content });
      assert.equal(created.status, 400, JSON.stringify(created.body));
      assert.equal(created.body.Code, 'InvalidTemplate');
      assert.match(created.body.Message, /YAML aliases/);
      const validated = await call('ValidateTemplateContent', { Content });
      assert.equal(validated.status, 400, JSON.stringify(validated.body));
      assert.equal(validated.body.Code, 'InvalidTemplate');
      assert.match(validated.body.Message, /YAML aliases/);
    }
    assert.equal((await call('GetTemplate', { TemplateName: 'laughs' })).status, 404);
  });
});
