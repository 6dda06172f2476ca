import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { keys } from '../../src/store/keys.js';
import { deletePrefix } from '../../src/store/redis.js';
import { TemplateStore } from '../../src/store/templates.js';
import { ApprovalTickets } from '../../src/store/approval-tickets.js';
import { LoopStore } from '../../src/store/loops.js';
import { ExecutionStore } from '../../src/store/executions.js';
import { unpackDoc } from '../../src/store/doc-codec.js';
import type { Execution } from '../../src/engine/types.js';
import type { TicketDoc } from '../../src/approval/ticket.js';
import { made } from '../support/executions.js';
import { REDIS_URL } from '../support/harness.js';

const prefix = `ogt-${randomBytes(5).toString('hex')}`;
let redis: Redis;
before(() => {
  redis = new Redis(REDIS_URL);
});
after(async () => {
  await deletePrefix(redis, `*${prefix}*`);
  redis.disconnect();
});

/** A ticket as ApprovalTickets.create takes it: one level, bob its approver, unless `over` says otherwise. */
const ticketDoc = (key: string, over: Partial<Omit<TicketDoc, 'id'>> = {}): Omit<TicketDoc, 'id'> => ({
  key,
  title: '',
  description: '',
  orderType: 'RUNBOOK',
  spec: { levels: [{ name: 'L', mode: 'ANY', min: 1, approvers: ['bob'] }], allowSelfApproval: false, chat: true },
  subject: {},
  reasons: [],
  createDate: new Date().toISOString(),
  ...over,
});

const content = (d: string) =>
  `FormatVersion: OOS-2019-06-01\nDescription: ${d}\nTasks:\n  - Name: a\n    Action: ACS::Sleep\n    ` +
  `Properties: { Duration: PT1S }\n`;

test('templates: versions v1, v2 on change, none for the same content; SHA-256 hash', async () => {
  const store = new TemplateStore(redis, keys(prefix));
  const v1 = await store.put('demo', content('one'));
  assert.equal(v1.version, 'v1');
  assert.equal(v1.hash, createHash('sha256').update(content('one')).digest('hex'));
  assert.equal((await store.put('demo', content('one'))).version, 'v1');
  assert.equal((await store.put('demo', content('two'))).version, 'v2');
  assert.equal((await store.get('demo')).version, 'v2');
  assert.equal((await store.get('demo', 'v1')).content, content('one'));
  await assert.rejects(store.get('demo', 'v9'), { code: 'EntityNotExists.Template' });
  await assert.rejects(store.get('nope'), { code: 'EntityNotExists.Template' });
  await assert.rejects(store.put('bad name!', content('x')), { code: 'InvalidParameter' });
  await assert.rejects(store.put('broken', 'FormatVersion: x'), { code: 'InvalidTemplate' });
  assert.deepEqual(await store.names(), ['demo']);
});

test('templates: concurrent loads of the same content make one version', async () => {
  const store = new TemplateStore(redis, keys(prefix));
  const all = await Promise.all(Array.from({ length: 10 }, () => store.put('race', content('same'))));
  assert.deepEqual(new Set(all.map((t) => t.version)), new Set(['v1']));
});

test('a folder with one bad template loads the others and names the bad one', async () => {
  const store = new TemplateStore(redis, keys(prefix));
  const { loaded, failed } = await store.loadFolders(['test/fixtures/runbooks', 'test/fixtures/missing']);
  assert.deepEqual(loaded.map((t) => t.name).sort(), ['no-approval', 'two-approvals']);
  assert.deepEqual(failed, [{ file: 'test/fixtures/missing', error: 'no such file or folder' }]);
});

test('tickets: created once per key; a person counts once; one call completes the level', async () => {
  const tickets = new ApprovalTickets(redis, keys(prefix));
  const spec = {
    levels: [{ name: 'L1', mode: 'MIN' as const, min: 2, approvers: ['bob', 'carol', 'dave'] }],
    allowSelfApproval: false,
    chat: true,
  };
  const doc = {
    key: 'approve',
    executionId: 'exec-abc',
    taskName: 'approve',
    title: 't',
    description: '',
    orderType: 'RUNBOOK',
    spec,
    subject: {},
    reasons: [],
    createDate: 'now',
  };
  const id = await tickets.create(doc);
  assert.equal(await tickets.create(doc), id);
  assert.ok(
    await tickets.activate(id, -1, {
      index: 0,
      name: 'L1',
      mode: 'MIN',
      status: 'active',
      approvers: ['bob', 'carol', 'dave'],
      required: 2,
    }),
  );
  assert.ok(
    !(await tickets.activate(id, -1, {
      index: 0,
      name: 'L1',
      mode: 'MIN',
      status: 'active',
      approvers: ['x'],
      required: 1,
    })),
    'activated once',
  );
  const votes = await Promise.all(
    ['bob', 'bob', 'carol', 'dave', 'carol'].map((v) =>
      tickets.ballot(id, v, 'AGREE', undefined, new Date().toISOString()),
    ),
  );
  // One connection keeps the order: the second approval completes the level and closes it.
  assert.deepEqual(
    votes.map((v) => v.outcome),
    ['recorded', 'duplicate', 'level-done', 'not-approver', 'not-approver'],
  );
  assert.ok(await tickets.close(id, 'approved', 'approved', 'now', true));
  assert.ok(!(await tickets.close(id, 'timed-out', 'timed out', 'now')), 'a closed ticket is not closed again');
  assert.equal((await tickets.ballot(id, 'dave', 'AGREE', undefined, 'x')).outcome, 'closed');
  const t = await tickets.get(id);
  assert.equal(t.status, 'APPROVED');
  assert.equal(t.approvals, 2);
  assert.equal((await tickets.ballot('999999', 'bob', 'AGREE', undefined, 'x')).outcome, 'missing');
  assert.equal((await tickets.ballot('1 OR 1', 'bob', 'AGREE', undefined, 'x')).outcome, 'missing');
});

const ticketsOpenLists =
  'tickets: open() lists the open ones newest first from the AUDITING set, which tickets closed any way leave ' +
  '(a rejection closes in the ballot)';
test(ticketsOpenLists, async () => {
  const tickets = new ApprovalTickets(redis, keys(prefix));
  const spec = {
    levels: [{ name: 'L1', mode: 'MIN' as const, min: 1, approvers: ['bob'] }],
    allowSelfApproval: false,
    chat: true,
  };
  const make = (n: number) =>
    tickets.create({
      key: `approve-${n}`,
      executionId: `exec-open${n}`,
      taskName: 'approve',
      title: 't',
      description: '',
      orderType: 'RUNBOOK',
      spec,
      subject: {},
      reasons: [],
      createDate: 'now',
    });
  const [a, b, c] = [await make(1), await make(2), await make(3)];
  for (const id of [a, b, c])
    await tickets.activate(id, -1, {
      index: 0,
      name: 'L1',
      mode: 'ANY',
      status: 'active',
      approvers: ['bob'],
      required: 1,
    });
  assert.equal((await tickets.ballot(b, 'bob', 'REJECT', 'no', new Date().toISOString())).outcome, 'decided');
  assert.ok(await tickets.close(c, 'timed-out', 'timed out', 'now'));
  const open = (await tickets.open(10)).map((t) => t.id);
  assert.ok(open.includes(a) && !open.includes(b) && !open.includes(c), JSON.stringify(open));
  assert.deepEqual(
    await redis
      .smembers(keys(prefix).ticketsByStatus('AUDITING'))
      .then((ids) => ids.filter((id) => [a, b, c].includes(id))),
    [a],
  );
  // No set of open tickets beside it (an older opsgate kept one: ~40 B a waiting run).
  assert.equal(await redis.exists(keys(prefix).openTickets), 0);
});

test('a loop item written tells the watchers of its execution (its page follows each item)', async () => {
  const k = keys(prefix);
  const sub = redis.duplicate();
  const heard: string[] = [];
  sub.on('message', (_c: string, m: string) => heard.push(m));
  await sub.subscribe(k.executionEvents);
  try {
    await new LoopStore(redis, k).putItem('exec-loopwatch', 'te-1', {
      index: 0,
      status: 'Running',
      startDate: 'now',
    } as never);
    for (let i = 0; i < 100 && !heard.length; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(heard, ['exec-loopwatch']);
  } finally {
    sub.disconnect();
  }
});

test('a job claims an execution only as it read it: a save made since refuses the claim (no lost update)', async () => {
  const store = new ExecutionStore(redis, keys(prefix));
  const exec = made(900, { status: 'Running', current: 'approve' });
  await store.create(exec);
  // Job B reads the execution while job A holds it (Running) ...
  const read = await store.read(exec.id);
  assert.ok(read);
  // ... A parks it, having learnt something B does not know ...
  const parked = { ...exec, status: 'Waiting' as const, pausedOnFailure: true, updateDate: exec.updateDate };
  assert.ok(await store.save(parked, 'job-a', { release: true }));
  // ... and B's claim of what it read must not write A's news away.
  const stale = { ...read.execution, status: 'Running' as const };
  assert.equal(await store.save(stale, 'job-b', { readAt: read.version }), false);
  assert.equal((await store.get(exec.id)).pausedOnFailure, true);
  // Read again, B claims it.
  const fresh = await store.read(exec.id);
  assert.ok(await store.save({ ...fresh!.execution, status: 'Running' }, 'job-b', { readAt: fresh!.version }));
});

test('a run that waits and a ticket keep their documents deflated; a running or ended run JSON', async () => {
  const k = keys(prefix);
  const store = new ExecutionStore(redis, k);
  const text = { key: 'actions:waitingForApproval' as const, values: { id: '7' } };
  const task = (message: string) => ({
    taskExecutionId: 'task-exec-1',
    status: 'Waiting' as const,
    action: 'ACS::Approve',
    startDate: '2020-01-01T00:00:00.000Z',
    message,
    text,
  });
  // A message its text renders to sits without it; one the text no longer says (stale) is kept.
  const exec = made(901, {
    status: 'Running',
    current: 'approve',
    parameters: { note: 'x'.repeat(300) },
    tasks: { approve: task('waiting for approval 7'), stale: task('said otherwise') },
    statusMessage: 'waiting for approval 7',
    statusText: text,
  });
  await store.create(exec);
  const stored = async () => (await redis.getBuffer(k.executionDoc(exec.id)))!;
  assert.equal((await stored()).toString(), JSON.stringify(exec), 'Running: JSON as it was');
  const waiting = { ...exec, status: 'Waiting' as const };
  assert.ok(await store.save(waiting, '', { release: true }));
  const raw = await stored();
  assert.equal(raw[0], 1, 'Waiting: deflated');
  assert.ok(raw.length < JSON.stringify(waiting).length / 3, `Waiting: ${raw.length} B`);
  assert.deepEqual(await store.get(exec.id), waiting);
  assert.equal(await redis.hexists(k.execution(exec.id), 'runner'), 0, 'held by nobody: no runner field');
  const sitting = JSON.parse(unpackDoc(raw)) as Execution;
  assert.equal(sitting.statusMessage, undefined);
  assert.equal(sitting.tasks.approve!.message, undefined);
  assert.equal(sitting.tasks.stale!.message, 'said otherwise');
  // Ended: written once on the way out, where deflating would cost the worker more than it saves.
  const done = { ...exec, status: 'Success' as const };
  assert.ok(await store.save(done, '', { release: true }));
  assert.equal((await stored()).toString(), JSON.stringify(done));
  const tickets = new ApprovalTickets(redis, k);
  const id = await tickets.create(ticketDoc('deflated', { executionId: exec.id, title: 'a title' }));
  const storedTicket = (await redis.getBuffer(k.ticketDoc(exec.id, id)))!;
  assert.equal(storedTicket[0], 1);
  // Without what its keys say: its id and its execution's.
  assert.deepEqual(
    Object.keys(JSON.parse(unpackDoc(storedTicket))).filter((f) => f === 'id' || f === 'executionId'),
    [],
  );
  const ticket = await tickets.get(id);
  assert.deepEqual([ticket.title, ticket.id, ticket.executionId], ['a title', id, exec.id]);
});

test('level records live in the ticket hash; those an older opsgate kept in a key of their own read', async () => {
  const k = keys(prefix);
  const tickets = new ApprovalTickets(redis, k);
  const levels = [
    { name: 'Leads', mode: 'ANY' as const, min: 1, approvers: ['bob'] },
    { name: 'DBA', mode: 'MIN' as const, min: 1, approvers: ['carol'] },
  ];
  const id = await tickets.create(ticketDoc('levels', { spec: { levels, allowSelfApproval: false, chat: true } }));
  const tag = `ticket-${id}`;
  // As an older opsgate left it: level 0's record, JSON under ticket:<id>:levels (approvers as cjson wrote []).
  const old = { index: 0, name: 'Leads', mode: 'ANY', status: 'active', approvers: {}, required: 1, activatedAt: 'T0' };
  await redis.set(k.ticketLevels(tag, id), JSON.stringify({ 0: old }));
  assert.deepEqual((await tickets.get(id)).levels, [{ ...old, approvers: [] }]);
  // Written now: fields of the ticket hash, read over the old record; a note comes and goes.
  await tickets.putLevel(id, {
    ...old,
    approvers: ['bob'],
    status: 'approved',
    note: 'n',
    noteText: { key: 'core:criteriaDoNotHold' },
  });
  await tickets.putLevel(id, { index: 1, name: 'DBA', mode: 'MIN', status: 'skipped', approvers: [], required: 0 });
  const read = (await tickets.get(id)).levels;
  assert.deepEqual(read, [
    { ...old, approvers: ['bob'], status: 'approved', note: 'n', noteText: { key: 'core:criteriaDoNotHold' } },
    { index: 1, name: 'DBA', mode: 'MIN', status: 'skipped', approvers: [], required: 0 },
  ]);
  await tickets.putLevel(id, { ...read[0]!, note: undefined, noteText: undefined });
  assert.equal((await tickets.get(id)).levels[0]!.note, undefined);
  assert.equal(await redis.hexists(k.ticket(tag, id), 'N0'), 0);
  // Small values: the hash stays in Redis's compact encoding.
  assert.equal(await redis.object('ENCODING', k.ticket(tag, id)), 'listpack');
  // A late write to a ticket that is gone leaves nothing behind.
  await redis.del(k.ticket(tag, id));
  await tickets.putLevel(id, read[1]!);
  assert.equal(await redis.exists(k.ticket(tag, id)), 0);
});

test("an execution's ticket keeps its fields in the run's hash; an older opsgate's ticket still works", async () => {
  const k = keys(prefix);
  const tickets = new ApprovalTickets(redis, k);
  const exec = made(902, { status: 'Waiting' });
  const id = await tickets.create(ticketDoc('new', { executionId: exec.id }));
  // No hash of its own, and the execution's stays compact; indexed in a small bucket.
  assert.equal(await redis.exists(k.ticket(exec.id, id)), 0);
  assert.equal(await redis.hget(k.execution(exec.id), `t${Number(id).toString(36)}.status`), 'AUDITING');
  assert.equal(await redis.object('ENCODING', k.execution(exec.id)), 'listpack');
  assert.equal(await redis.hget(k.ticketIndexBucket(id), id), exec.id);
  await tickets.activate(id, -1, {
    index: 0,
    name: 'L',
    mode: 'ANY',
    status: 'active',
    approvers: ['bob'],
    required: 1,
  });
  await tickets.setCard(id, 'slack', 'C1/1.0');
  assert.equal(await tickets.card(id, 'slack'), 'C1/1.0');
  assert.equal((await tickets.ballot(id, 'bob', 'AGREE', undefined, new Date().toISOString())).outcome, 'level-done');
  assert.ok(await tickets.close(id, 'approved', 'approved', 'now', true));
  const t = await tickets.get(id);
  assert.deepEqual(
    [t.status, t.closeCode, t.votes.map((v) => v.voter), t.levels[0]?.status],
    ['APPROVED', 'approved', ['bob'], 'active'],
  );
  assert.deepEqual(await tickets.statuses.counts().then((c) => c.get('APPROVED')! >= 1), true);

  // As an older opsgate left one: fields in a hash of its own, in the one index of every ticket.
  const old = made(903, { status: 'Waiting' });
  const oldId = '900001';
  await redis.hset(k.execution(old.id), 'ticket:old', oldId);
  await redis.hset(k.ticket(old.id, oldId), {
    status: 'AUDITING',
    level: 0,
    advancing: 0,
    required: 1,
    approvals: 0,
    approvers: '["bob"]',
  });
  await redis.set(
    k.ticketDoc(old.id, oldId),
    JSON.stringify({ ...ticketDoc('old', { executionId: old.id }), id: oldId }),
  );
  await redis.hset(k.ticketIndex, oldId, old.id);
  assert.equal(await tickets.create(ticketDoc('old', { executionId: old.id })), oldId);
  assert.equal(await redis.hget(k.ticketIndexBucket(oldId), oldId), null, 'still indexed where it was');
  assert.equal((await tickets.get(oldId)).executionId, old.id);
  assert.equal((await tickets.ballot(oldId, 'bob', 'REJECT', 'no', new Date().toISOString())).outcome, 'decided');
  assert.equal(await redis.hget(k.ticket(old.id, oldId), 'status'), 'REJECT');
  assert.equal(await redis.hexists(k.execution(old.id), `t${Number(oldId).toString(36)}.status`), 0);
});

test("a ticket's document is read once and shared frozen; a ticket that left Redis is not found", async () => {
  const k = keys(prefix);
  const tickets = new ApprovalTickets(redis, k);
  const exec = made(904, { status: 'Waiting' });
  const id = await tickets.create(
    ticketDoc('once', { executionId: exec.id, taskName: 'approve', templateName: 'tpl' }),
  );
  const first = await tickets.get(id);
  assert.ok(first.description.startsWith(`Execution ${exec.id} of tpl waits`), first.description);
  // A ticket's document never changes: the second read does not fetch it.
  await redis.del(k.ticketDoc(exec.id, id));
  const second = await tickets.get(id);
  assert.deepEqual(second.spec, first.spec);
  assert.throws(() => (second.reasons as string[]).push('changed'), TypeError);
  // Its fields gone with its execution's hash (retention): not found, however it was read before.
  await redis.del(k.execution(exec.id));
  await assert.rejects(tickets.get(id), { code: 'EntityNotExists.Ticket' });
});
