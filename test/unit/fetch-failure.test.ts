import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttps } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createCloudClient } from '../../src/cloud/client.js';
import { httpRequest } from '../../src/engine/actions/http-request.js';
import type { ActionContext } from '../../src/engine/actions/types.js';
import { fetchFailure } from '../../src/engine/fetch-failure.js';
import type { Execution } from '../../src/engine/types.js';
import { type Msg, render } from '../../src/i18n/index.js';
import type { Task } from '../../src/template/schema.js';

// Why a request got no answer, seen on real loopback: a closed port, a name under .invalid (which
// resolves locally to nothing), and TLS servers on 127.0.0.1 whose certificates are not trusted.

let closedPort = 0;
const servers: { close(): void }[] = [];
const tls: Record<'selfSigned' | 'privateCa', string> = { selfSigned: '', privateCa: '' };

async function listen(server: { listen(port: number, host: string, cb: () => void): void }): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return ((server as unknown as { address(): AddressInfo }).address() as AddressInfo).port;
}

before(async () => {
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise((r) => probe.close(r));
  for (const [name, file] of [
    ['selfSigned', 'self-signed.pem'],
    ['privateCa', 'private-ca.pem'],
  ] as const) {
    const pem = readFileSync(`test/fixtures/tls/${file}`, 'utf8');
    const server = createHttps({ key: pem, cert: pem }, (_req, res) => res.end('{}'));
    tls[name] = `https://127.0.0.1:${await listen(server)}/`;
    servers.push(server);
  }
});
after(() => {
  for (const s of servers) s.close();
});

/** What fetching `url` fails with, in English and in Chinese. */
async function failureOf(url: string): Promise<{ en: string; zh: string; key: string }> {
  try {
    await fetch(url);
  } catch (err) {
    const m = fetchFailure(err, url, 5000);
    return { en: render(m, 'en'), zh: render(m, 'zh-CN'), key: m.key };
  }
  throw new Error(`${url} answered`);
}

test('a closed port: connection refused, naming the address and the code', async () => {
  const f = await failureOf(`http://127.0.0.1:${closedPort}/healthz`);
  assert.equal(f.en, `connection refused to 127.0.0.1:${closedPort}: nothing is listening there (ECONNREFUSED)`);
  assert.equal(f.zh, `连接 127.0.0.1:${closedPort} 被拒绝：该端口没有服务在监听（ECONNREFUSED）`);
});

test('a name that does not resolve: host not found', async () => {
  const f = await failureOf('http://opsgate-test.invalid/');
  assert.equal(f.en, 'host opsgate-test.invalid not found: the name does not resolve (ENOTFOUND)');
  assert.equal(f.zh, '找不到主机 opsgate-test.invalid：域名无法解析（ENOTFOUND）');
});

test('a self-signed certificate and one from a private CA: not trusted, and why', async () => {
  const self = await failureOf(tls.selfSigned);
  assert.equal(
    self.en,
    'the TLS certificate of 127.0.0.1 is not trusted: it is self-signed; to trust it, name it in ' +
      'NODE_EXTRA_CA_CERTS (DEPTH_ZERO_SELF_SIGNED_CERT)',
  );
  assert.match(self.zh, /^127\.0\.0\.1 的 TLS 证书不受信任：这是自签名证书；.*（DEPTH_ZERO_SELF_SIGNED_CERT）$/);
  const ca = await failureOf(tls.privateCa);
  assert.match(
    ca.en,
    /^the TLS certificate of 127\.0\.0\.1 is not trusted: its issuer is not known here \(a private CA/,
  );
  assert.match(ca.en, /\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/);
});

test('causes seen elsewhere: each code with its explanation, anything else as it came', () => {
  const url = 'https://api.example.test/v1';
  const failed = (cause?: unknown) => Object.assign(new TypeError('fetch failed'), cause ? { cause } : {});
  const sys = (code: string, message: string, extra: object = {}) => Object.assign(new Error(message), { code }, extra);
  const table: [string, unknown, string][] = [
    [
      'a connect timeout',
      failed(sys('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443', { address: '10.0.0.1', port: 443 })),
      'connecting to 10.0.0.1:443 timed out (ETIMEDOUT)',
    ],
    [
      "undici's own connect timeout",
      failed(sys('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error')),
      'connecting to api.example.test:443 timed out (UND_ERR_CONNECT_TIMEOUT)',
    ],
    [
      'an expired certificate',
      failed(sys('CERT_HAS_EXPIRED', 'certificate has expired')),
      'the TLS certificate of api.example.test is not trusted: it has expired (CERT_HAS_EXPIRED)',
    ],
    [
      'a certificate for another name',
      failed(sys('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames")),
      'the TLS certificate of api.example.test is not trusted: it is for another host name ' +
        '(ERR_TLS_CERT_ALTNAME_INVALID)',
    ],
    [
      'a DNS server that does not answer',
      failed(sys('EAI_AGAIN', 'getaddrinfo EAI_AGAIN api.example.test', { hostname: 'api.example.test' })),
      'host api.example.test could not be looked up: DNS did not answer (EAI_AGAIN)',
    ],
    [
      'a connection closed under the request',
      failed(sys('UND_ERR_SOCKET', 'other side closed')),
      'api.example.test:443 closed the connection: other side closed (UND_ERR_SOCKET)',
    ],
    [
      'the first of the addresses tried',
      failed(
        Object.assign(new AggregateError([sys('ECONNREFUSED', 'x', { address: '::1', port: 8080 })]), { code: '' }),
      ),
      'connection refused to ::1:8080: nothing is listening there (ECONNREFUSED)',
    ],
    ['a code opsgate does not explain', failed(sys('EPROTO', 'wrong version number')), 'wrong version number (EPROTO)'],
    ['no cause at all', failed(), 'fetch failed'],
    ['the caller timing out', Object.assign(new Error('aborted'), { name: 'TimeoutError' }), 'no answer in 5s'],
  ];
  for (const [what, err, said] of table) assert.equal(render(fetchFailure(err, url, 5000), 'en'), said, what);
});

test('ACS::ExecuteHttpRequest fails naming the cause, in the reader language', async () => {
  const r = await httpRequest.run({
    execution: { id: 'exec-1' } as Execution,
    task: { Name: 'check', Action: 'ACS::ExecuteHttpRequest', Properties: {} } as Task,
    properties: { Method: 'GET', URL: `http://127.0.0.1:${closedPort}/healthz` },
    idempotencyKey: 'exec-1/check',
    ports: { fetch: globalThis.fetch, now: Date.now } as ActionContext['ports'],
    signals: {},
    taskExecutionId: 'task-exec-1',
  });
  assert.equal(r.kind, 'failed');
  const failed = r as { message: string; text: Msg };
  assert.equal(
    failed.message,
    `GET http://127.0.0.1:${closedPort}/healthz: connection refused to 127.0.0.1:${closedPort}: ` +
      'nothing is listening there (ECONNREFUSED)',
  );
  assert.equal(
    render(failed.text, 'zh-CN'),
    `GET http://127.0.0.1:${closedPort}/healthz：连接 127.0.0.1:${closedPort} 被拒绝：该端口没有服务在监听（ECONNREFUSED）`,
  );
});

test('the OpenAPI client says which call could not reach its endpoint, and why', async () => {
  const cloud = createCloudClient({
    accessKeyId: 'id',
    accessKeySecret: 'secret',
    endpoint: 'https://ecs.opsgate-test.invalid',
    defaultRegion: 'cn-hangzhou',
  });
  await assert.rejects(cloud.call({ service: 'ECS', api: 'DescribeInstances', parameters: {} }), (e: Error) => {
    assert.equal(
      e.message,
      'ECS DescribeInstances: host ecs.opsgate-test.invalid not found: the name does not resolve (ENOTFOUND)',
    );
    assert.equal(
      render((e as Error & { text: Msg }).text, 'zh-CN'),
      'ECS DescribeInstances 无法访问：找不到主机 ecs.opsgate-test.invalid：域名无法解析（ENOTFOUND）',
    );
    return true;
  });
});
