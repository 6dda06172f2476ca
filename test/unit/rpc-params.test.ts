import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { OpsgateError } from '../../src/errors.js';
import { readRpcRequest, unflatten } from '../../src/http/rpc/params.js';

const invalid = (err: unknown) => err instanceof OpsgateError && err.code === 'InvalidParameter';

// ---- unflatten ----

test('unflatten makes numbered names a list in the order of their numbers', () => {
  assert.deepEqual(
    unflatten([
      ['Tags.1.Key', 'env'],
      ['Tags.1.Value', 'prod'],
      ['Tags.2.Key', 'team'],
      ['Tags.2.Value', 'ops'],
    ]),
    {
      Tags: [
        { Key: 'env', Value: 'prod' },
        { Key: 'team', Value: 'ops' },
      ],
    },
  );
  assert.deepEqual(
    unflatten([
      ['Tags.2.Key', 'team'],
      ['Tags.1.Value', 'prod'],
      ['Tags.2.Value', 'ops'],
      ['Tags.1.Key', 'env'],
    ]),
    {
      Tags: [
        { Value: 'prod', Key: 'env' },
        { Key: 'team', Value: 'ops' },
      ],
    },
    'given out of order',
  );
  const ten = unflatten([
    ['Ids.10', 'j'],
    ['Ids.2', 'b'],
    ['Ids.1', 'a'],
  ]);
  assert.deepEqual(ten, { Ids: ['a', 'b', 'j'] }, 'Ids.10 after Ids.2: numbers, not text');
});

test('unflatten makes named parts a map and passes plain names through', () => {
  assert.deepEqual(
    unflatten([
      ['Parameters.a', '1'],
      ['Parameters.b', 'x y'],
      ['TemplateName', 'web'],
      ['RegionId', 'cn-hangzhou'],
    ]),
    { Parameters: { a: '1', b: 'x y' }, TemplateName: 'web', RegionId: 'cn-hangzhou' },
  );
  assert.deepEqual(unflatten([]), {});
});

test("unflatten passes a JSON body's non-string values through unchanged", () => {
  const parameters = { a: 1, list: [1, 'two'], nested: { deep: true } };
  const out = unflatten([
    ['PageSize', 100],
    ['DryRun', false],
    ['Parameters', parameters],
    ['Nothing', null],
    ['Tags.1.Key', 'env'],
  ]);
  assert.deepEqual(out, {
    PageSize: 100,
    DryRun: false,
    Parameters: parameters,
    Nothing: null,
    Tags: [{ Key: 'env' }],
  });
  assert.equal(out.Parameters, parameters, 'the very object');
});

test('unflatten refuses a name given both as a value and as a parent', () => {
  assert.throws(
    () =>
      unflatten([
        ['Tags', 'x'],
        ['Tags.1.Key', 'y'],
      ]),
    invalid,
  );
  assert.throws(
    () =>
      unflatten([
        ['Tags.1.Key', 'y'],
        ['Tags', 'x'],
      ]),
    invalid,
    'either order',
  );
  assert.throws(
    () =>
      unflatten([
        ['Tags.1', 'x'],
        ['Tags.1.Key', 'y'],
      ]),
    invalid,
    'one level down',
  );
});

test('unflatten refuses names too deep, with an empty part, or a list index out of 1..1000', () => {
  for (const name of ['a.b.c.d.e', 'a..b', '.a', 'a.', '.', 'Tags.0.Key', 'Tags.1001.Key', 'Ids.0', 'Ids.99999999999'])
    assert.throws(() => unflatten([[name, 'x']]), invalid, name);
  assert.deepEqual(unflatten([['a.b.c.d', 'x']]), { a: { b: { c: { d: 'x' } } } }, 'four parts are allowed');
  assert.deepEqual(unflatten([['Ids.1000', 'x']]), { Ids: ['x'] }, 'index 1000 is allowed');
});

test('unflatten refuses __proto__, constructor and prototype in a name, and pollutes no prototype', () => {
  // No action takes such a parameter; as a name it could only ever reach for an object's prototype.
  for (const name of ['__proto__.polluted', 'constructor.prototype.polluted', 'Tags.1.__proto__', '__proto__'])
    assert.throws(() => unflatten([[name, '1']]), invalid, name);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const out = unflatten([['Tags.1.Key', 'env']]);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.equal(Object.getPrototypeOf((out.Tags as object[])[0]), Object.prototype);
});

// ---- readRpcRequest over a real node:http server ----

let server: Server;
let port = 0;
/** The last error readRpcRequest threw, as the handler saw it. */
let lastError: unknown;

before(async () => {
  server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    readRpcRequest(req).then(
      (r) =>
        answer(200, {
          method: r.method,
          path: r.path,
          query: Object.fromEntries(r.query),
          form: Object.fromEntries(r.form),
          body: r.body.toString('utf8'),
        }),
      (err: unknown) => {
        lastError = err;
        if (err instanceof OpsgateError) answer(err.status, { code: err.code, status: err.status });
        else answer(500, { error: String(err) });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Answer {
  status: number;
  json: any;
}

/** One request on its own connection; `path` goes on the wire as given. */
function send(path: string, opts: { method?: string; body?: string | Buffer; type?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
    const headers: Record<string, string | number> = {};
    if (opts.type) headers['content-type'] = opts.type;
    if (body) headers['content-length'] = body.length;
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? (body ? 'POST' : 'GET'), headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const FORM = 'application/x-www-form-urlencoded';

test('readRpcRequest reads query and form parameters apart, and the raw path', async () => {
  const a = await send('/a%20b/c?Action=StartExecution&Name=x%20y%2Bz', {
    body: 'TemplateName=web%20%E9%87%8D%E5%90%AF&Empty=',
    type: `${FORM}; charset=utf-8`,
  });
  assert.equal(a.status, 200, JSON.stringify(a.json));
  assert.deepEqual(a.json, {
    method: 'POST',
    path: '/a%20b/c',
    query: { Action: 'StartExecution', Name: 'x y+z' },
    form: { TemplateName: 'web 重启', Empty: '' },
    body: 'TemplateName=web%20%E9%87%8D%E5%90%AF&Empty=',
  });
  const b = await send('/');
  assert.deepEqual(b.json, { method: 'GET', path: '/', query: {}, form: {}, body: '' });
});

test('readRpcRequest accepts an empty body with no content-type', async () => {
  const a = await send('/?Action=GetTemplate', { method: 'POST', body: '' });
  assert.equal(a.status, 200);
  assert.deepEqual(a.json.form, {});
  assert.deepEqual(a.json.query, { Action: 'GetTemplate' });
});

test('readRpcRequest refuses a parameter given twice, in the query or in query and form', async () => {
  const twice = await send('/?Action=a&Action=b');
  assert.deepEqual([twice.status, twice.json.code], [400, 'InvalidParameter']);
  const both = await send('/?Action=a', { body: 'Action=b', type: FORM });
  assert.deepEqual([both.status, both.json.code], [400, 'InvalidParameter']);
  const form = await send('/', { body: 'Action=a&Action=a', type: FORM });
  assert.deepEqual([form.status, form.json.code], [400, 'InvalidParameter']);
});

test('readRpcRequest takes 500 parameters and refuses 501, in the query, the form or both', async () => {
  const names = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}=v`).join('&');
  const ok = await send(`/?${names(250, 'q')}`, { body: names(250, 'f'), type: FORM });
  assert.equal(ok.status, 200);
  assert.equal(Object.keys(ok.json.query).length + Object.keys(ok.json.form).length, 500);
  for (const [query, form] of [
    [501, 0],
    [0, 501],
    [250, 251],
  ] as const) {
    const a = await send(`/?${names(query, 'q')}`, { body: names(form, 'f'), type: FORM });
    assert.deepEqual([a.status, a.json.code], [400, 'InvalidParameter'], `${query} in the query, ${form} in the form`);
  }
});

test('readRpcRequest gives a JSON body its non-string values', async () => {
  const body = { PageSize: 100, DryRun: true, Parameters: { a: [1, 2] }, Name: 'web', Nothing: null };
  const a = await send('/?Action=StartExecution', {
    body: JSON.stringify(body),
    type: 'application/json; charset=utf-8',
  });
  assert.equal(a.status, 200, JSON.stringify(a.json));
  assert.deepEqual(a.json.form, body);
  assert.deepEqual(a.json.query, { Action: 'StartExecution' });
  for (const bad of ['[1,2]', '"text"', '{"a":', 'null'])
    assert.deepEqual((await send('/', { body: bad, type: 'application/json' })).json.code, 'InvalidParameter', bad);
  const dup = await send('/?Name=a', { body: '{"Name":"b"}', type: 'application/json' });
  assert.deepEqual([dup.status, dup.json.code], [400, 'InvalidParameter'], 'a JSON member also in the query');
});

test('readRpcRequest refuses a text/plain body with 415', async () => {
  const a = await send('/', { body: 'Action=StartExecution', type: 'text/plain' });
  assert.deepEqual(a.json, { code: 'InvalidParameter', status: 415 });
  assert.equal(a.status, 415);
});

test('readRpcRequest refuses a body over 512 KB with 413', async () => {
  lastError = undefined;
  const body = `Content=${'a'.repeat(512 * 1024)}`;
  const a = await send('/', { body, type: FORM }).catch((err: Error) => err);
  assert.ok(lastError instanceof OpsgateError, 'readRpcRequest threw');
  assert.deepEqual([lastError.code, lastError.status], ['InvalidParameter', 413]);
  assert.ok(!(a instanceof Error), `the client got no answer: ${a instanceof Error ? a.message : ''}`);
  assert.deepEqual([a.status, a.json.code], [413, 'InvalidParameter']);
  const limit = await send('/', { body: `C=${'a'.repeat(512 * 1024 - 2)}`, type: FORM });
  assert.equal(limit.status, 200, 'exactly 512 KB is read');
});
