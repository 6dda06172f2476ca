import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinsFor, configureBuiltins, opsgateUrlOf } from '../../src/engine/builtins.js';

test('ACS::OpsgateUrl: PUBLIC_URL, else the listen address, a wildcard HOST reached on loopback', () => {
  const table: [Parameters<typeof opsgateUrlOf>[0], string][] = [
    [{ host: '127.0.0.1', port: 3000 }, 'http://127.0.0.1:3000'],
    [{ host: '127.0.0.1', port: 8181 }, 'http://127.0.0.1:8181'],
    [{ host: '0.0.0.0', port: 8080 }, 'http://127.0.0.1:8080'],
    [{ host: '::', port: 8080 }, 'http://127.0.0.1:8080'],
    [{ host: 'localhost', port: 4000 }, 'http://localhost:4000'],
    [{ host: '::1', port: 4000 }, 'http://[::1]:4000'],
    [{ host: '0.0.0.0', port: 8080, publicUrl: 'https://ops.example.com/' }, 'https://ops.example.com'],
    [{ host: '127.0.0.1', port: 3000, publicUrl: 'https://example.com/opsgate' }, 'https://example.com/opsgate'],
  ];
  for (const [config, url] of table) assert.equal(opsgateUrlOf(config), url, JSON.stringify(config));
});

test("an execution's built-ins carry this process's URL", () => {
  const exec = { id: 'exec-1', templateName: 'hello', templateVersion: 'v1' };
  const now = new Date('2026-01-02T03:04:05.678Z');
  try {
    configureBuiltins({ host: '0.0.0.0', port: 8181 });
    assert.equal(builtinsFor(exec, now)['ACS::OpsgateUrl'], 'http://127.0.0.1:8181');
  } finally {
    configureBuiltins({ host: '127.0.0.1', port: 3000 });
  }
  assert.equal(builtinsFor(exec, now)['ACS::CurrentUTCTime'], '2026-01-02T03:04:05Z');
});
