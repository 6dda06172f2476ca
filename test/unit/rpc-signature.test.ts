import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import querystring from 'node:querystring';
import { test } from 'node:test';
import OpenApiUtilModule from '@alicloud/openapi-util';
import { readAuthorization, sha256Hex, verifyAcs3, verifyV1 } from '../../src/http/rpc/signature.js';
import { DOC_PARAMS, DOC_SECRET, DOC_SIGNATURE } from '../fixtures/rpc-signature-example.js';

// The verifiers of the RPC endpoint against Alibaba Cloud's own signing code: every signature below is
// made by @alicloud/openapi-util (getRPCSignature, getAuthorization), never by a copy of its algorithm.

// CommonJS with `exports.default`: from ESM the default import is module.exports, the class is its `default`.
const OpenApiUtil = OpenApiUtilModule.default;
type TeaRequest = Parameters<typeof OpenApiUtil.getAuthorization>[0];

// getRPCSignature hands its string to sign to kitx.sha1; the very kitx it loads, so that the string can be read.
const requireFromUtil = createRequire(createRequire(import.meta.url).resolve('@alicloud/openapi-util'));
const kitx = requireFromUtil('kitx') as { sha1: (data: string, key: string, encoding: string) => string };

const AK = 'LTAItestkeyid';
const SECRET = 'test-secret-value';

/** The signature openapi-util's getRPCSignature makes, and the string it signed (read as it goes to HMAC-SHA1). */
function alibabaV1(params: Record<string, string>, method: string, secret: string) {
  const sha1 = kitx.sha1;
  const strings: string[] = [];
  kitx.sha1 = (data, key, encoding) => {
    strings.push(data);
    return sha1(data, key, encoding);
  };
  let signature: string;
  try {
    signature = OpenApiUtil.getRPCSignature(params, method, secret);
  } finally {
    kitx.sha1 = sha1;
  }
  assert.equal(strings.length, 1, 'getRPCSignature signs one string');
  return { signature, stringToSign: strings[0]! };
}

/** Parameters as pop-core and openapi-client (signature v1) send them, with values meant to trip an encoder. */
function v1Params(): Record<string, string> {
  return {
    Action: 'StartExecution',
    Version: '2019-06-01',
    Format: 'JSON',
    Timestamp: '2026-01-02T03:04:05Z',
    SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    AccessKeyId: AK,
    RegionId: 'cn-hangzhou',
    TemplateName: 'restart web + db',
    Description: "a*b~c!d'e(f)g",
    Comment: '重启生产环境 的 web',
    Filter: 'a&b=c&d',
    Parameters: JSON.stringify({ message: 'say "hi" & go', list: ['x', 'y'] }),
    'Tags.1.Key': 'env',
    'Tags.1.Value': 'prod',
    Empty: '',
  };
}

/** What arrives: the parameters on the wire (as tea's querystring.stringify puts them) read back by a server. */
function arrivedV1(params: Record<string, string>, signature: string): Map<string, string> {
  return new Map(new URLSearchParams(querystring.stringify({ ...params, Signature: signature })));
}

test('verifyV1 accepts a POST signed by openapi-util getRPCSignature, hostile values included', () => {
  const params = v1Params();
  const { signature, stringToSign } = alibabaV1(params, 'POST', SECRET);
  assert.ok(stringToSign.startsWith('POST&%2F&AccessKeyId%3DLTAItestkeyid%26Action%3DStartExecution%26'));
  const arrived = arrivedV1(params, signature);
  assert.equal(arrived.get('Comment'), params.Comment, 'the wire gives back what was signed');
  assert.deepEqual(verifyV1('POST', arrived, signature, SECRET), { ok: true });
});

test('verifyV1 accepts a GET signed by openapi-util getRPCSignature', () => {
  const params = v1Params();
  const { signature } = alibabaV1(params, 'GET', SECRET);
  assert.deepEqual(verifyV1('GET', arrivedV1(params, signature), signature, SECRET), { ok: true });
});

test('verifyV1 accepts the example of the RPC signature documentation', () => {
  const params = DOC_PARAMS;
  const signature = DOC_SIGNATURE;
  assert.equal(alibabaV1(params, 'GET', DOC_SECRET).signature, signature);
  assert.deepEqual(verifyV1('GET', arrivedV1(params, signature), signature, DOC_SECRET), { ok: true });
});

test('verifyV1 refuses a changed request and tells the string Alibaba Cloud signs for what arrived', () => {
  const params = v1Params();
  const { signature } = alibabaV1(params, 'POST', SECRET);
  const { Comment: _removed, ...withoutComment } = params;
  const cases: { name: string; method: string; params: Record<string, string>; secret: string }[] = [
    {
      name: 'a changed value',
      method: 'POST',
      params: { ...params, TemplateName: 'restart web + db2' },
      secret: SECRET,
    },
    { name: 'a changed empty value', method: 'POST', params: { ...params, Empty: ' ' }, secret: SECRET },
    { name: 'a changed method', method: 'GET', params, secret: SECRET },
    { name: 'a wrong secret', method: 'POST', params, secret: `${SECRET}x` },
    { name: 'an added parameter', method: 'POST', params: { ...params, DryRun: 'true' }, secret: SECRET },
    { name: 'a removed parameter', method: 'POST', params: withoutComment, secret: SECRET },
  ];
  for (const c of cases) {
    const verdict = verifyV1(c.method, arrivedV1(c.params, signature), signature, c.secret);
    assert.equal(verdict.ok, false, c.name);
    assert.ok(!verdict.ok);
    // What Alibaba Cloud's algorithm signs for these parameters and this method (the secret is not in it).
    assert.equal(verdict.stringToSign, alibabaV1(c.params, c.method, c.secret).stringToSign, c.name);
    assert.ok(verdict.stringToSign.startsWith(`${c.method}&%2F&`), c.name);
  }
});

test('verifyV1 refuses a parameter named __proto__ added to a signed request', () => {
  // Nothing may ride along unsigned: the name is an own parameter of the request like any other.
  const params = v1Params();
  const { signature } = alibabaV1(params, 'POST', SECRET);
  const arrived = arrivedV1(params, signature);
  arrived.set('__proto__', 'x');
  assert.equal(verifyV1('POST', arrived, signature, SECRET).ok, false);
});

// ---- ACS3-HMAC-SHA256 ----

const PAYLOAD = 'ACS3-HMAC-SHA256';
const payloadHashOf = (body: string) => OpenApiUtil.hexEncode(OpenApiUtil.hash(Buffer.from(body), PAYLOAD));

/**
 * A request as openapi-client's doRequest builds it (host, x-acs-*, user-agent, accept, the payload hash,
 * the body's type), and the Authorization openapi-util's getAuthorization makes for it.
 */
function acs3Request(
  query: Record<string, string>,
  body = '',
  opts: { contentType?: string; headers?: Record<string, string>; secret?: string } = {},
) {
  const payloadHash = payloadHashOf(body);
  const headers: Record<string, string> = {
    host: '127.0.0.1:8080',
    'x-acs-version': '2019-06-01',
    'x-acs-action': 'StartExecution',
    'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.19.0 Core/1.0.1 TeaDSL/2',
    'x-acs-date': '2026-01-02T03:04:05Z',
    'x-acs-signature-nonce': '9f86d081884c7d659a2feaa0c55ad015',
    accept: 'application/json',
    'x-acs-content-sha256': payloadHash,
    'x-acs-credentials-provider': 'static',
    ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
    ...opts.headers,
  };
  const request = { pathname: '/', method: 'POST', query, headers };
  const authorization = OpenApiUtil.getAuthorization(
    request as unknown as TeaRequest,
    PAYLOAD,
    payloadHash,
    AK,
    opts.secret ?? SECRET,
  );
  return { request, authorization, body: Buffer.from(body) };
}

type Sent = ReturnType<typeof acs3Request>;

/**
 * What verifyAcs3 is given for it: the query as a server reads it back from the URL tea builds
 * (querystring.stringify), the headers as node's headersDistinct has them, the Authorization read.
 */
function arrivedAcs3(sent: Sent) {
  const auth = readAuthorization(sent.authorization);
  assert.ok(auth, `readAuthorization reads ${sent.authorization}`);
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(sent.request.headers)) headers[k.toLowerCase()] = [v];
  return {
    method: sent.request.method,
    path: sent.request.pathname,
    query: new Map(new URLSearchParams(querystring.stringify(sent.request.query))),
    headers,
    body: sent.body,
    signedHeaders: auth.signedHeaders,
    signature: auth.signature,
  };
}

const UNESCAPED = {
  RegionId: 'cn-hangzhou',
  TemplateName: 'restart (web)*',
  Description: "it's ready! ~now~ 重启 生产",
  Filter: 'a+b&c=d',
  Tags: JSON.stringify([{ Key: 'env', Value: 'prod "eu"' }]),
  Empty: '',
};

test('readAuthorization reads the Authorization of openapi-util getAuthorization', () => {
  const sent = acs3Request({ RegionId: 'cn-hangzhou' }, 'a=1', { contentType: 'application/x-www-form-urlencoded' });
  const auth = readAuthorization(sent.authorization);
  assert.ok(auth);
  assert.equal(auth.accessKeyId, AK);
  assert.deepEqual(auth.signedHeaders, [
    'content-type',
    'host',
    'x-acs-action',
    'x-acs-content-sha256',
    'x-acs-credentials-provider',
    'x-acs-date',
    'x-acs-signature-nonce',
    'x-acs-version',
  ]);
  assert.match(auth.signature, /^[0-9a-f]{64}$/);
});

test('verifyAcs3 accepts query values URLs leave unescaped ( ) * ! ~ space and Chinese, with an empty body', () => {
  const sent = acs3Request(UNESCAPED);
  const arrived = arrivedAcs3(sent);
  assert.equal(arrived.query.get('Description'), UNESCAPED.Description, 'the wire gives back what was signed');
  assert.equal(sent.request.headers['x-acs-content-sha256'], sha256Hex(''));
  assert.deepEqual(verifyAcs3(arrived, SECRET), { ok: true });
});

test('verifyAcs3 accepts a form body and a JSON body whose hash the client sent', () => {
  const form = acs3Request({ RegionId: 'cn-hangzhou' }, querystring.stringify({ Content: '{"a": "b c"}' }), {
    contentType: 'application/x-www-form-urlencoded',
  });
  assert.deepEqual(verifyAcs3(arrivedAcs3(form), SECRET), { ok: true });
  const json = acs3Request({}, JSON.stringify({ TemplateName: 'web 重启', n: 1 }), {
    contentType: 'application/json; charset=utf-8',
  });
  assert.deepEqual(verifyAcs3(arrivedAcs3(json), SECRET), { ok: true });
});

test('verifyAcs3 trims signed header values as the client does', () => {
  const sent = acs3Request(UNESCAPED, '', { headers: { 'x-acs-signature-nonce': '  nonce-with-spaces \t' } });
  assert.deepEqual(verifyAcs3(arrivedAcs3(sent), SECRET), { ok: true }, 'spaces kept on the way');
  const trimmed = arrivedAcs3(sent);
  trimmed.headers['x-acs-signature-nonce'] = ['nonce-with-spaces'];
  assert.deepEqual(verifyAcs3(trimmed, SECRET), { ok: true }, 'spaces dropped on the way (node trims them)');
});

test('verifyAcs3 refuses a wrong secret, and the string it signed is the one the client signed', () => {
  const sent = acs3Request(UNESCAPED);
  const verdict = verifyAcs3(arrivedAcs3(sent), `${SECRET}x`);
  assert.equal(verdict.ok, false);
  assert.ok(!verdict.ok);
  assert.equal(verdict.payload, undefined);
  // `ACS3-HMAC-SHA256\n<hash>`, then the canonical request for the reader: signed with the right secret by
  // openapi-util, its first part is the signature the client sent.
  const cut = verdict.stringToSign.indexOf('\n\n');
  const stringToSign = verdict.stringToSign.slice(0, cut);
  const canonical = verdict.stringToSign.slice(cut + 2);
  assert.equal(stringToSign, `${PAYLOAD}\n${sha256Hex(canonical)}`);
  assert.ok(canonical.startsWith('POST\n/\nDescription=it%27s%20ready%21%20~now~%20'), canonical);
  const signature = OpenApiUtil.hexEncode(OpenApiUtil.signatureMethod(SECRET, stringToSign, PAYLOAD));
  assert.equal(signature, readAuthorization(sent.authorization)?.signature);
});

test('verifyAcs3 refuses a tampered query value, an added or removed query parameter', () => {
  const sent = acs3Request(UNESCAPED);
  const changed = arrivedAcs3(sent);
  changed.query.set('TemplateName', 'restart (db)*');
  assert.equal(verifyAcs3(changed, SECRET).ok, false, 'changed');
  const added = arrivedAcs3(sent);
  added.query.set('DryRun', 'true');
  assert.equal(verifyAcs3(added, SECRET).ok, false, 'added');
  const removed = arrivedAcs3(sent);
  removed.query.delete('Empty');
  assert.equal(verifyAcs3(removed, SECRET).ok, false, 'removed');
});

test('verifyAcs3 refuses a tampered signed header, and a SignedHeaders list cut short', () => {
  const sent = acs3Request(UNESCAPED);
  const action = arrivedAcs3(sent);
  action.headers['x-acs-action'] = ['DeleteTemplate'];
  assert.equal(verifyAcs3(action, SECRET).ok, false, 'x-acs-action changed');
  const host = arrivedAcs3(sent);
  host.headers.host = ['127.0.0.1:8081'];
  assert.equal(verifyAcs3(host, SECRET).ok, false, 'host changed');
  const cut = arrivedAcs3(sent);
  cut.signedHeaders = cut.signedHeaders.filter((h) => h !== 'x-acs-action');
  assert.equal(verifyAcs3(cut, SECRET).ok, false, 'x-acs-action left out of SignedHeaders');
  const method = arrivedAcs3(sent);
  method.method = 'GET';
  assert.equal(verifyAcs3(method, SECRET).ok, false, 'method changed');
});

test('verifyAcs3 refuses a body changed while its x-acs-content-sha256 stayed, as a payload mismatch', () => {
  const sent = acs3Request({ RegionId: 'cn-hangzhou' }, 'TemplateName=web', {
    contentType: 'application/x-www-form-urlencoded',
  });
  const arrived = { ...arrivedAcs3(sent), body: Buffer.from('TemplateName=db') };
  const verdict = verifyAcs3(arrived, SECRET);
  assert.equal(verdict.ok, false);
  assert.ok(!verdict.ok);
  assert.equal(verdict.payload, 'mismatch');
  // A body changed with a new hash to match is a changed signed header: a plain refusal.
  const rehashed = arrivedAcs3(sent);
  rehashed.body = Buffer.from('TemplateName=db');
  rehashed.headers['x-acs-content-sha256'] = [sha256Hex(rehashed.body)];
  const second = verifyAcs3(rehashed, SECRET);
  assert.equal(second.ok, false);
  assert.ok(!second.ok);
  assert.equal(second.payload, undefined);
});

// ---- readAuthorization on what an attacker sends ----

const HEX64 = 'a'.repeat(64);

test('readAuthorization refuses other algorithms, garbage and a Signature that is not 64 hex characters', () => {
  const refused = [
    undefined,
    '',
    `AWS4-HMAC-SHA256 Credential=AK/20260102/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${HEX64}`,
    `ACS3-HMAC-SM3 Credential=${AK},SignedHeaders=host,Signature=${HEX64}`,
    `ACS3-RSA-SHA256 Credential=${AK},SignedHeaders=host,Signature=${HEX64}`,
    `acs ${AK}:c2lnbmF0dXJl`,
    'x'.repeat(10 * 1024),
    Array.from({ length: 10 * 1024 }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 95))).join(''),
    `ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=host,Signature=${'a'.repeat(63)}`,
    `ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=host,Signature=${'a'.repeat(65)}`,
    `ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=host,Signature=${'g'.repeat(64)}`,
    `ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=${HEX64}`,
    `ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=,Signature=${HEX64}`,
  ];
  for (const header of refused) assert.equal(readAuthorization(header), undefined, header?.slice(0, 100));
  assert.deepEqual(
    readAuthorization(`ACS3-HMAC-SHA256 Credential=${AK}, SignedHeaders=host;x-acs-date, Signature=${HEX64}`),
    {
      accessKeyId: AK,
      signedHeaders: ['host', 'x-acs-date'],
      signature: HEX64,
    },
  );
});

test('readAuthorization reads a 100 KB adversarial header in well under 50 ms', () => {
  const headers = [
    `ACS3-HMAC-SHA256 Credential=${'a'.repeat(100_000)}`,
    `ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=${'a;'.repeat(50_000)}`,
    `ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=host,Signature=${'0'.repeat(100_000)}`,
    `ACS3-HMAC-SHA256 Credential=${AK},${' '.repeat(100_000)}`,
    `ACS3-HMAC-SHA256 ${'Credential=a,'.repeat(8_000)}`,
  ];
  for (const header of headers) {
    // The best of three: a bound on the work, not on what else the machine does meanwhile.
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      assert.equal(readAuthorization(header), undefined);
      best = Math.min(best, performance.now() - start);
    }
    assert.ok(best < 50, `${header.slice(0, 40)}... took ${best.toFixed(1)} ms`);
  }
});
