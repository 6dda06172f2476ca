import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSession, readSession, sessionCookie } from '../../src/http/auth/session.js';
import { createLink } from '../../src/notify/approval-links.js';
import { seal } from '../../src/sealed.js';

const SECRET = 'a-secret-of-thirty-two-characters!';

test('a session reads back until it expires; another key, a change or another kind of token is nobody', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const { session, token } = createSession(SECRET, 'alice', now);
  assert.deepEqual(readSession(SECRET, token, now + 1000), session);
  assert.equal(readSession(SECRET, token, session.expiresAt), undefined, 'expired');
  assert.equal(readSession('another-secret-of-32-characters!!', token, now), undefined);
  const [body, mac] = token.split('.') as [string, string];
  assert.equal(readSession(SECRET, `${body}x.${mac}`, now), undefined);
  // An approval link is signed with the same key: it must not pass as a session.
  assert.equal(
    readSession(SECRET, createLink(SECRET, { ticketId: '1', approver: 'alice', expiresAt: now + 60_000 }), now),
    undefined,
  );
  assert.notEqual(createSession(SECRET, 'alice', now).session.csrf, session.csrf, 'each session its own CSRF token');
  assert.notEqual(
    createSession(SECRET, 'alice', now).session.id,
    session.id,
    'each session its own id (what sign-out revokes)',
  );
  // A cookie from before sessions had ids could never be signed out: it is nobody.
  const old = seal(SECRET, 'opsgate/console-session/v1\n', { u: 'alice', c: session.csrf, e: session.expiresAt });
  assert.equal(readSession(SECRET, old, now), undefined);
  assert.match(sessionCookie(token, true), /; HttpOnly; SameSite=Lax; Max-Age=43200; Secure$/);
});
