import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/log.js';
import { createHttpServer } from '../../src/http/server.js';
import { sendJson } from '../../src/http/respond.js';

const eachRequestHas =
  'each request has an id (a sane X-Request-Id is kept) on its answer and its log lines; credential paths are ' +
  'not logged';
test(eachRequestHas, async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(c: Buffer, _e, done) {
      for (const l of c.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const log = createLogger('info', sink);
  const server = createHttpServer(
    [
      {
        method: 'GET',
        path: /^\/approve\/([^/]+)$/,
        handle: async (_q, res) => {
          await new Promise((r) => setTimeout(r, 2));
          log.info('looked at a link');
          sendJson(res, 200, {});
        },
      },
      {
        method: 'GET',
        path: /^\/boom$/,
        handle: () => {
          throw new Error('database on fire');
        },
      },
    ],
    log,
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const a = await fetch(`${base}/approve/SECRET-TOKEN-123`, { headers: { 'x-request-id': 'req-abc' } });
    assert.equal(a.headers.get('x-request-id'), 'req-abc');
    const b = await fetch(`${base}/boom`, { headers: { 'x-request-id': 'not ok; has spaces' } });
    assert.equal(b.status, 500);
    assert.deepEqual(await b.json(), { Code: 'InternalError', Message: 'internal error' });
    const id = b.headers.get('x-request-id')!;
    assert.match(id, /^[0-9A-F-]{36}$/, 'an unsafe id from outside is replaced');
    await new Promise((r) => setTimeout(r, 20));
    assert.doesNotMatch(JSON.stringify(lines), /SECRET-TOKEN-123/);
    assert.ok(lines.some((l) => l.msg === 'looked at a link' && l.requestId === 'req-abc'));
    assert.ok(
      lines.some(
        (l) => l.msg === 'request' && l.requestId === 'req-abc' && l.path === '/approve/******' && l.status === 200,
      ),
    );
    assert.ok(lines.some((l) => l.msg === 'request failed' && l.requestId === id && l.err === 'database on fire'));
  } finally {
    server.close();
  }
});
