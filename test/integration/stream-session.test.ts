import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Directory } from '../../src/config/directory.js';
import { Permissions } from '../../src/core/permissions.js';
import { Access } from '../../src/http/auth/access.js';
import { BearerAuth } from '../../src/http/auth/bearer.js';
import { SessionRevocations } from '../../src/http/auth/revocations.js';
import { createSession, SESSION_COOKIE } from '../../src/http/auth/session.js';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { keys as buildKeys } from '../../src/store/keys.js';
import { connect, deletePrefix } from '../../src/store/redis.js';
import { REDIS_URL } from '../support/harness.js';

/**
 * An event stream (the console's, an execution page's) lives no longer than the session that opened
 * it: signed out elsewhere, or its user taken out of the directory, the open stream ends too.
 */
describe('event streams end with their session', () => {
  const prefix = `ogt-${randomBytes(5).toString('hex')}`;
  const redis = connect(REDIS_URL);
  const keys = buildKeys(prefix);
  const secret = 'stream-session-secret-0123456789';
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-streams-'));
  const file = join(dir, 'directory.yaml');
  writeFileSync(file, 'users:\n  alice: {}\n  bob: {}\n');
  const directory = Directory.load(file);
  const revocations = new SessionRevocations(redis, keys);
  const access = new Access({
    secret: async () => secret,
    directory,
    bearer: new BearerAuth(new Map(), directory),
    revocations,
    devMode: false,
    permissions: new Permissions(directory),
    streamCheckMs: 50,
  });
  const server = createHttpServer(
    [
      access.guard({
        method: 'GET',
        path: /^\/events$/,
        async handle(_req, res) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(': connected\n\n');
        },
      }),
    ],
    createLogger('silent'),
  );
  let url = '';
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await deletePrefix(redis, `*${prefix}*`);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a stream as `user`; resolves when the server ends it (or after `ms`, as 'open'). */
  async function stream(
    user: string,
    ms: number,
    meanwhile: (s: ReturnType<typeof createSession>['session']) => Promise<void>,
  ) {
    const { session, token } = createSession(secret, user);
    const r = await fetch(`${url}/events`, {
      headers: { accept: 'text/event-stream', cookie: `${SESSION_COOKIE}=${token}` },
    });
    assert.equal(r.status, 200);
    const reader = r.body!.getReader();
    await reader.read();
    await meanwhile(session);
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    })();
    const outcome = await Promise.race([ended, new Promise((res) => setTimeout(() => res('open'), ms))]);
    await reader.cancel().catch(() => undefined);
    return outcome;
  }

  test('a stream stays open while its session holds', async () => {
    assert.equal(await stream('alice', 300, async () => {}), 'open');
  });

  test('signing out ends the open stream of that session', async () => {
    assert.equal(await stream('alice', 2000, (s) => revocations.revoke(s)), 'ended');
  });

  test('taking the user out of the directory ends their open stream', async () => {
    assert.equal(
      await stream('bob', 2000, async () => {
        writeFileSync(file, 'users:\n  alice: {}\n');
        utimesSync(file, new Date(), new Date(Date.now() + 5000));
      }),
      'ended',
    );
  });
});
