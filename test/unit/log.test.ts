import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { addLogContext, createLogger, withLogContext } from '../../src/log.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('info', sink), lines };
}

test('every line written inside a context names it, across awaits, and nested contexts add to it', async () => {
  const { log, lines } = capture();
  await withLogContext({ requestId: 'R1' }, async () => {
    log.info('first');
    await new Promise((r) => setTimeout(r, 5));
    await withLogContext({ executionId: 'exec-1' }, async () => {
      addLogContext({ ticketId: '7' });
      await Promise.resolve();
      log.info('inner');
    });
    log.info('after');
  });
  log.info('outside');
  await new Promise((r) => setImmediate(r));
  const by = Object.fromEntries(lines.map((l) => [l.msg, l]));
  assert.equal(by.first!.requestId, 'R1');
  assert.deepEqual([by.inner!.requestId, by.inner!.executionId, by.inner!.ticketId], ['R1', 'exec-1', '7']);
  assert.equal(by.after!.executionId, undefined);
  assert.equal(by.outside!.requestId, undefined);
});

test('secrets in log fields are censored', async () => {
  const { log, lines } = capture();
  log.info(
    { headers: { authorization: 'Bearer abc', cookie: 'opsgate_session=x.y' }, slack: { botToken: 'xoxb-1' } },
    'req',
  );
  await new Promise((r) => setImmediate(r));
  const text = JSON.stringify(lines);
  assert.doesNotMatch(text, /Bearer abc|opsgate_session|xoxb-1/);
});
