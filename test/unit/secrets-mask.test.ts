import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { executionMasker, maskSecrets, noEchoNames, secretMasker } from '../../src/engine/mask.js';
import { maskTemplateContent } from '../../src/engine/mask-template.js';
import { readContent } from '../../src/template/parse.js';

const declared = {
  Parameters: {
    pw: { Type: 'String' as const, NoEcho: true },
    pin: { Type: 'String' as const, NoEcho: 'true' as const },
    env: { Type: 'String' as const },
  },
};

describe('the execution masker', () => {
  const secret = `s3cr'et"va\\lue`;
  const m = executionMasker({ parameters: { pw: secret, pin: 'ab', env: 'prod' } }, declared);

  test('NoEcho names come from the template and from what the execution recorded', () => {
    assert.deepEqual(noEchoNames(declared), ['pw', 'pin']);
    const recorded = executionMasker({ parameters: { pw: secret }, noEcho: ['pw'] });
    assert.equal(recorded.text(`x ${secret} y`), 'x ****** y');
    assert.deepEqual(recorded.parameters({ pw: secret }), { pw: '******' });
  });

  test('a value is hidden raw, shell-quoted, JSON-escaped, URL-encoded and inside longer text', () => {
    const shell = `echo 's3cr'\\''et"va\\lue' done`;
    assert.equal(m.text(shell), `echo '******' done`);
    assert.equal(m.text(JSON.stringify({ out: `it is ${secret}` })), '{"out":"it is ******"}');
    assert.equal(m.text(`https://x/?q=${encodeURIComponent(secret)}`), 'https://x/?q=******');
    assert.equal(m.text(`the script exited with 3: bad ${secret}`), 'the script exited with 3: bad ******');
  });

  test('deep through objects and arrays; keys that name credentials and URL credentials too', () => {
    assert.deepEqual(
      m.value({ a: [{ b: `${secret}!` }], n: 5, Password: 'hunter2', uri: 'https://h/?access_token=abc&x=1' }),
      { a: [{ b: '******!' }], n: 5, Password: '******', uri: 'https://h/?access_token=******&x=1' },
    );
    assert.deepEqual(maskSecrets({ WebHook: { Secret: 'x', URI: 'https://h/?sign=zz' } }), {
      WebHook: { Secret: '******', URI: 'https://h/?sign=******' },
    });
  });

  test('a short value is masked where a whole field equals it, never searched inside text', () => {
    assert.equal(m.text('ab'), '******');
    assert.equal(m.text('table about'), 'table about');
    assert.deepEqual(m.parameters({ pw: secret, pin: 'ab', env: 'prod' }), {
      pw: '******',
      pin: '******',
      env: 'prod',
    });
  });

  test('List and Json values: the whole and each of their strings', () => {
    const j = secretMasker([{ user: 'root', key: 'longkeyvalue' }, ['item-one', 'item-two']]);
    assert.equal(j.text('got longkeyvalue and item-two'), 'got ****** and ******');
    assert.equal(j.text(JSON.stringify({ user: 'root', key: 'longkeyvalue' })), '******');
  });

  test('noEcho hides values only: keys and URLs of content sent on are left alone', () => {
    assert.deepEqual(m.noEcho({ sign: 'abc', text: `pw ${secret}`, url: 'https://h/?token=t' }), {
      sign: 'abc',
      text: 'pw ******',
      url: 'https://h/?token=t',
    });
  });
});

describe('inline credentials of a template source', () => {
  test('YAML keeps its layout and comments; references stay readable', () => {
    const src = `FormatVersion: OOS-2019-06-01
Parameters:
  pw: { Type: String, NoEcho: true, Default: default-pass-99 }
  robot: { Type: String, NoEcho: true }
Tasks:
  - Name: ask   # the approval
    Action: ACS::Approve
    Properties:
      WebHook: { URI: 'https://oapi.dingtalk.com/robot/send?access_token=tok-1234', Secret: '{{ robot }}' }
      Mail:
        Password: pw   # short
        token: tkn-123456
`;
    const out = maskTemplateContent(src, 'YAML');
    assert.ok(out.includes('# the approval') && out.includes('# short'), out);
    for (const s of ['default-pass-99', 'tok-1234', 'tkn-123456', 'Password: pw'])
      assert.ok(!out.includes(s), `${s} in ${out}`);
    assert.ok(out.includes("Secret: '{{ robot }}'"));
    const data = readContent(out) as { Tasks: { Properties: { Mail: Record<string, string> } }[] };
    assert.equal(data.Tasks[0]!.Properties.Mail.Password, '******');
  });

  test('JSON, escapes included', () => {
    const src = JSON.stringify(
      {
        FormatVersion: 'OOS-2019-06-01',
        Tasks: [{ Name: 'a', Action: 'ACS::Approve', Properties: { Mail: { Password: 'pa"ss\\word' } } }],
      },
      null,
      2,
    );
    const out = maskTemplateContent(src, 'JSON');
    assert.ok(!out.includes('pa\\"ss'), out);
    assert.equal(
      (JSON.parse(out) as { Tasks: { Properties: { Mail: { Password: string } } }[] }).Tasks[0]!.Properties.Mail
        .Password,
      '******',
    );
  });

  test('a template without credentials is returned as written', () => {
    const src = 'FormatVersion: OOS-2019-06-01\nTasks: []\n';
    assert.equal(maskTemplateContent(src, 'YAML'), src);
  });
});
