import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import {
  type AlibabaClient,
  DMS_VERSION,
  dms,
  OOS_VERSION,
  oos,
  oosClient,
  popClient,
} from '../support/alibaba-sdk.js';

// What the official clients put on the wire for the OOS and DMS calls opsgate answers: a plain node:http
// server records each request, and the signatures are recomputed here with node:crypto alone.

const AK = 'LTAItestkeyid';
const SECRET = 'test-secret-value';
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  query: Record<string, string>;
  form: Record<string, string>;
}

/** A loopback server that records every request and answers {"RequestId":"x"}. */
async function captureServer(maxHeaderSize?: number) {
  const seen: Captured[] = [];
  const server: Server = createServer(maxHeaderSize ? { maxHeaderSize } : {}, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const body = Buffer.concat(chunks).toString('utf8');
      const query = Object.fromEntries(new URL(url, 'http://x').searchParams);
      const form = Object.fromEntries(new URLSearchParams(body));
      seen.push({ method: req.method ?? '', url, headers: req.headers, body, query, form });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"RequestId":"x"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    port,
    hostPort: `127.0.0.1:${port}`,
    last: (): Captured => {
      const c = seen.at(-1);
      assert.ok(c, 'the server saw a request');
      return c;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** RFC 3986 percent-encoding, as both signatures use it. */
function pct(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The RPC "signature 1.0" (HMAC-SHA1) over every parameter but Signature, from query and form body. */
function rpcSignature(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${pct(k)}=${pct(params[k] ?? '')}`)
    .join('&');
  return createHmac('sha1', `${secret}&`)
    .update(`${method}&${pct('/')}&${pct(canonical)}`)
    .digest('base64');
}

/** The ACS3-HMAC-SHA256 Authorization the request should carry, rebuilt from what arrived. */
function acs3Authorization(c: Captured, accessKeyId: string, secret: string): string {
  const auth = String(c.headers.authorization);
  const signed = /SignedHeaders=([^,]+)/.exec(auth)?.[1] ?? '';
  const names = signed.split(';');
  const canonicalQuery = Object.keys(c.query)
    .sort()
    .map((k) => `${k}=${pct(c.query[k] ?? '')}`)
    .join('&');
  const canonicalHeaders = names.map((n) => `${n}:${String(c.headers[n] ?? '').trim()}\n`).join('');
  const path = new URL(c.url, 'http://x').pathname;
  const payload = String(c.headers['x-acs-content-sha256']);
  const request = [c.method, path, canonicalQuery, canonicalHeaders, signed, payload].join('\n');
  const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(request).digest('hex')}`;
  const signature = createHmac('sha256', secret).update(toSign).digest('hex');
  return `ACS3-HMAC-SHA256 Credential=${accessKeyId},SignedHeaders=${signed},Signature=${signature}`;
}

/** A YAML template of exactly `bytes` ASCII characters. */
function bigTemplate(bytes: number): string {
  let yaml = "FormatVersion: OOS-2019-06-01\nDescription: 'big (40 KB)*!~'\nTasks:\n";
  for (let i = 0; yaml.length < bytes; i++) {
    yaml += `  - Name: step${i}\n    Action: 'ACS::Sleep'\n    Properties:\n      Duration: PT1S\n`;
  }
  return yaml.slice(0, bytes);
}

let srv: Awaited<ReturnType<typeof captureServer>>;
let acs3: AlibabaClient;
let v2: AlibabaClient;

before(async () => {
  // Large enough for a 40 KB template in the URL; Node's default (16 KiB) is tried further down.
  srv = await captureServer(1024 * 1024);
  acs3 = oosClient(srv.hostPort, AK, SECRET);
  v2 = oosClient(srv.hostPort, AK, SECRET, { signatureAlgorithm: 'v2' });
});

after(async () => {
  await srv.close();
});

test('StartExecution, ACS3: every field in the query, Tags shrunk and Parameters as JSON text, no body', async () => {
  const res = await oos(acs3, 'StartExecution', {
    TemplateName: 'restart-web',
    Parameters: { a: 1 },
    Tags: { k: 'v' },
    Mode: 'Automatic',
    RegionId: 'cn-hangzhou',
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.body, { RequestId: 'x' });
  const c = srv.last();
  assert.equal(c.method, 'POST');
  assert.equal(new URL(c.url, 'http://x').pathname, '/');
  assert.deepEqual(c.query, {
    Mode: 'Automatic',
    Parameters: '{"a":1}',
    RegionId: 'cn-hangzhou',
    Tags: '{"k":"v"}',
    TemplateName: 'restart-web',
  });
  assert.equal(c.body, '');
  assert.equal(c.headers['content-type'], undefined);
  assert.equal(c.headers.host, srv.hostPort);
  assert.equal(c.headers['x-acs-action'], 'StartExecution');
  assert.equal(c.headers['x-acs-version'], OOS_VERSION);
  assert.match(String(c.headers['x-acs-date']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(String(c.headers['x-acs-signature-nonce']), /^\S{16,}$/);
  assert.equal(c.headers['x-acs-content-sha256'], EMPTY_SHA256);
  assert.equal(c.headers.accept, 'application/json');
  assert.match(String(c.headers['user-agent']), /AlibabaCloud/);
  assert.equal(c.headers['x-acs-credentials-provider'], 'static_ak', 'signed too');
  assert.equal(c.headers['content-length'], '0');
  assert.match(
    String(c.headers.authorization),
    new RegExp(
      `^ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=host;x-acs-action;x-acs-content-sha256;` +
        'x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$',
    ),
  );
  assert.equal(c.headers.authorization, acs3Authorization(c, AK, SECRET));
  for (const name of ['Action', 'Version', 'Signature', 'AccessKeyId', 'Format', 'Timestamp']) {
    assert.equal(name in c.query, false, `${name} is not a query parameter of ACS3`);
  }
});

test('StartExecution, signature v1 (v2 config): the RPC common parameters in the query, HMAC-SHA1', async () => {
  await oos(v2, 'StartExecution', { TemplateName: 'restart-web', Parameters: { a: 1 }, Tags: { k: 'v' } });
  const c = srv.last();
  assert.equal(c.method, 'POST');
  assert.equal(c.body, '');
  assert.equal(c.headers['content-type'], undefined);
  assert.equal(c.headers.authorization, undefined);
  assert.equal(c.headers['x-acs-date'], undefined);
  assert.equal(c.headers.host, srv.hostPort);
  assert.equal(c.headers['x-acs-action'], 'StartExecution');
  assert.equal(c.headers['x-acs-version'], OOS_VERSION);
  assert.deepEqual(Object.keys(c.query).sort(), [
    'AccessKeyId',
    'Action',
    'Format',
    'Parameters',
    'Signature',
    'SignatureMethod',
    'SignatureNonce',
    'SignatureVersion',
    'Tags',
    'TemplateName',
    'Timestamp',
    'Version',
  ]);
  assert.equal(c.query.Action, 'StartExecution');
  assert.equal(c.query.Version, OOS_VERSION);
  assert.equal(c.query.Format, 'json', 'lower-case, unlike pop-core');
  assert.equal(c.query.SignatureMethod, 'HMAC-SHA1');
  assert.equal(c.query.SignatureVersion, '1.0');
  assert.equal(c.query.AccessKeyId, AK);
  assert.match(c.query.Timestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(c.query.Parameters, '{"a":1}');
  assert.equal(c.query.Tags, '{"k":"v"}');
  assert.equal(c.query.Signature, rpcSignature('POST', c.query, SECRET));
});

test('an STS token: ACS3 sends it as headers, signature v1 as SecurityToken', async () => {
  await oos(oosClient(srv.hostPort, AK, SECRET, { securityToken: 'sts-token' }), 'GetTemplate', {
    TemplateName: 't',
  });
  let c = srv.last();
  assert.equal(c.headers['x-acs-security-token'], 'sts-token');
  assert.equal(c.headers['x-acs-accesskey-id'], AK);
  assert.equal(c.headers['x-acs-credentials-provider'], 'static_sts');
  assert.match(String(c.headers.authorization), /SignedHeaders=host;x-acs-accesskey-id;x-acs-action;/);
  assert.equal(c.headers.authorization, acs3Authorization(c, AK, SECRET));
  await oos(
    oosClient(srv.hostPort, AK, SECRET, { signatureAlgorithm: 'v2', securityToken: 'sts-token' }),
    'GetTemplate',
    {
      TemplateName: 't',
    },
  );
  c = srv.last();
  assert.equal(c.query.SecurityToken, 'sts-token');
  assert.equal(c.query.Signature, rpcSignature('POST', c.query, SECRET));
});

test('CreateTemplate with a 40 KB Content: the template rides in the request line', async (t) => {
  const content = bigTemplate(40 * 1024);
  await oos(acs3, 'CreateTemplate', { TemplateName: 'big', Content: content, Tags: { team: 'ops' } });
  let c = srv.last();
  assert.equal(c.query.Content, content);
  assert.equal(c.query.Tags, '{"team":"ops"}');
  assert.equal(c.body, '');
  assert.equal(c.headers.authorization, acs3Authorization(c, AK, SECRET));
  const acs3Line = Buffer.byteLength(`POST ${c.url} HTTP/1.1`);
  t.diagnostic(`ACS3 request line: ${acs3Line} bytes (URL ${Buffer.byteLength(c.url)})`);
  assert.ok(acs3Line > 16 * 1024, 'more than Node’s default maxHeaderSize');

  await oos(v2, 'CreateTemplate', { TemplateName: 'big', Content: content });
  c = srv.last();
  assert.equal(c.query.Content, content);
  assert.equal(c.query.Signature, rpcSignature('POST', c.query, SECRET));
  t.diagnostic(`v1 request line: ${Buffer.byteLength(`POST ${c.url} HTTP/1.1`)} bytes`);

  const small = await captureServer();
  try {
    const refused = oos(oosClient(small.hostPort, AK, SECRET), 'CreateTemplate', {
      TemplateName: 'big',
      Content: content,
    });
    await assert.rejects(refused, (e: Error) => {
      t.diagnostic(`with Node's default maxHeaderSize the client gets: ${e.message.slice(0, 120)}`);
      return true;
    });
    assert.equal(small.seen.length, 0, 'a server with the default maxHeaderSize refuses it (431) before any handler');
  } finally {
    await small.close();
  }
});

test('ListExecutions: MaxResults and NextToken in the query', async () => {
  await oos(acs3, 'ListExecutions', { MaxResults: 20, NextToken: 'tok/+=', Status: 'Waiting' });
  const c = srv.last();
  assert.deepEqual(c.query, { MaxResults: '20', NextToken: 'tok/+=', Status: 'Waiting' });
  assert.equal(c.body, '');
  assert.equal(c.headers['x-acs-action'], 'ListExecutions');
  assert.equal(c.headers.authorization, acs3Authorization(c, AK, SECRET));
});

test('DMS ApproveOrder: every field in the query, version 2018-11-01, both signatures', async () => {
  const request = { Tid: 1, WorkflowInstanceId: 42, ApprovalType: 'AGREE', Comment: 'ok by alice' };
  await dms(acs3, 'ApproveOrder', request);
  let c = srv.last();
  assert.deepEqual(c.query, { ApprovalType: 'AGREE', Comment: 'ok by alice', Tid: '1', WorkflowInstanceId: '42' });
  assert.equal(c.body, '');
  assert.equal(c.headers['x-acs-action'], 'ApproveOrder');
  assert.equal(c.headers['x-acs-version'], DMS_VERSION);
  assert.equal(c.headers.authorization, acs3Authorization(c, AK, SECRET));

  await dms(v2, 'ApproveOrder', request);
  c = srv.last();
  assert.equal(c.query.Action, 'ApproveOrder');
  assert.equal(c.query.Version, DMS_VERSION);
  assert.equal(c.query.WorkflowInstanceId, '42');
  assert.equal(c.query.Signature, rpcSignature('POST', c.query, SECRET));
});

test('the mirror refuses what the generated SDK would not compile', async () => {
  await assert.rejects(oos(acs3, 'StartExecutions', {}), /no action StartExecutions/);
  await assert.rejects(dms(acs3, 'StartExecution', {}), /no action StartExecution/);
  await assert.rejects(oos(acs3, 'GetTemplate', { Name: 'x' }), /Name is not a field/);
  await assert.rejects(oos(acs3, 'StartExecution', { Tags: 'k=v' }), /Tags is a map or list/);
  await assert.rejects(oos(acs3, 'GetTemplate', { TemplateName: { a: 1 } }), /string, number or boolean/);
});

test('pop-core GET: every parameter and Signature in the query, keys upper-cased, lists flattened', async () => {
  const pop = popClient(`http://${srv.hostPort}`, AK, SECRET, OOS_VERSION);
  const res = await pop.request<Record<string, unknown>>('StartExecution', {
    templateName: 'restart-web',
    parameters: { a: 1 },
    tags: [{ Key: 'k', Value: 'v' }],
  });
  assert.deepEqual({ ...res }, { RequestId: 'x' }, 'json-bigint answers null-prototype objects');
  const c = srv.last();
  assert.equal(c.method, 'GET');
  assert.equal(c.body, '');
  assert.equal(c.query.TemplateName, 'restart-web');
  assert.equal(c.query.Parameters, '[object Object]', 'an object is sent as String(object)');
  assert.equal(c.query['Tags.1.Key'], 'k');
  assert.equal(c.query['Tags.1.Value'], 'v');
  assert.equal(c.query.Format, 'JSON');
  assert.equal(c.query.Action, 'StartExecution');
  assert.equal(c.query.Version, OOS_VERSION);
  assert.equal(c.query.SignatureMethod, 'HMAC-SHA1');
  assert.equal(c.query.SignatureVersion, '1.0');
  assert.equal(c.query.AccessKeyId, AK);
  assert.ok(c.query.SignatureNonce);
  assert.match(c.url, /&Signature=[^&]+$/, 'Signature comes last, after the sorted parameters');
  assert.equal(c.query.Signature, rpcSignature('GET', c.query, SECRET));
  assert.equal(c.headers['x-acs-action'], 'StartExecution');
  assert.equal(c.headers['x-acs-version'], OOS_VERSION);
  assert.equal(c.headers.host, srv.hostPort);
});

test('pop-core POST: the same parameters as a form body to /, JSON text passes through', async () => {
  const pop = popClient(`http://${srv.hostPort}`, AK, SECRET, OOS_VERSION, { securityToken: 'sts-token' });
  await pop.request('StartExecution', { TemplateName: 'restart-web', Parameters: '{"a":1}' }, { method: 'POST' });
  const c = srv.last();
  assert.equal(c.method, 'POST');
  assert.equal(c.url, '/');
  assert.equal(c.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(c.form.Parameters, '{"a":1}');
  assert.equal(c.form.TemplateName, 'restart-web');
  assert.equal(c.form.SecurityToken, 'sts-token');
  assert.equal(c.form.Action, 'StartExecution');
  assert.equal(c.form.Signature, rpcSignature('POST', c.form, SECRET));
});
