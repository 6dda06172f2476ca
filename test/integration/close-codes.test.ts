import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Directory } from '../../src/config/directory.js';
import { ApprovalService } from '../../src/core/approval-service.js';
import { Producer } from '../../src/queue/producer.js';
import type { TicketDoc } from '../../src/approval/ticket.js';
import { ApprovalTickets } from '../../src/store/approval-tickets.js';
import { keys } from '../../src/store/keys.js';
import { deletePrefix } from '../../src/store/redis.js';
import { readApproval } from '../../src/template/approve.js';
import { REDIS_URL } from '../support/harness.js';

// Every way a ticket closes stores its close code, read back through the real store and scripts.
describe('close codes: each close path stores its code', () => {
  const prefix = `ogt-codes-${randomBytes(5).toString('hex')}`;
  const k = keys(prefix);
  let redis: Redis;
  let producer: Producer;
  let tickets: ApprovalTickets;
  let service: ApprovalService;
  const directory = new Directory({ users: { alice: {}, bob: {}, carol: {} } });
  let n = 0;

  before(() => {
    redis = new Redis(REDIS_URL);
    producer = new Producer(redis, k);
    tickets = new ApprovalTickets(redis, k);
    service = new ApprovalService(tickets, directory, producer);
  });
  after(async () => {
    await producer.close();
    await deletePrefix(redis, `*${prefix}*`);
    redis.disconnect();
  });

  /** A runbook's ticket (its own execution id) requested by alice, from ACS::Approve Properties. */
  const open = async (properties: Record<string, unknown>) => {
    const executionId = `exec-codes${++n}`;
    const doc: Omit<TicketDoc, 'id' | 'createDate'> = {
      key: `approve/${n}`,
      executionId,
      taskName: 'approve',
      templateName: 'deploy',
      title: '',
      description: '',
      orderType: 'RUNBOOK',
      requester: 'alice',
      spec: readApproval(properties),
      subject: {},
      reasons: [],
    };
    return { id: (await service.open(doc)).id, executionId };
  };
  const closed = async (id: string) => {
    const t = await service.get(id);
    // What a resumed ACS::Approve reads (a lighter read) says the same.
    const { status, reason, reasonText, closeCode, votes } = t;
    assert.deepEqual(await tickets.decision(id), {
      status,
      reason,
      ...(reasonText ? { reasonText } : {}),
      ...(closeCode ? { closeCode } : {}),
      votes,
    });
    return { status: t.status, closeCode: t.closeCode, reason: t.reason };
  };

  test('approved: the last level done (advance)', async () => {
    const { id } = await open({ Approvers: ['bob'] });
    assert.equal((await service.get(id)).closeCode, undefined, 'an open ticket has no code');
    assert.equal((await service.vote(id, directory.user('bob'), 'AGREE')).outcome, 'decided');
    assert.deepEqual(await closed(id), { status: 'APPROVED', closeCode: 'approved', reason: 'approved' });
  });

  test('rejected: closed by the ballot script', async () => {
    const { id } = await open({ Approvers: ['bob', 'carol'] });
    assert.equal((await service.vote(id, directory.user('carol'), 'REJECT', 'no')).outcome, 'decided');
    const t = await closed(id);
    assert.equal(t.status, 'REJECT');
    assert.equal(t.closeCode, 'rejected');
    assert.equal((await service.status(id)).closeCode, 'rejected');
  });

  test('timed-out: the ticket timer', async () => {
    const { id } = await open({ Approvers: ['bob'], Timeout: 'PT1H' });
    assert.equal(await service.onTimer({ ticketId: id, kind: 'timeout', level: -1 }), 'timed out');
    assert.deepEqual(await closed(id), { status: 'CANCEL', closeCode: 'timed-out', reason: 'timed out' });
    assert.match((await service.vote(id, directory.user('bob'), 'AGREE')).message, /already timed out/);
  });

  test('withdrawn: the requester withdraws', async () => {
    const { id } = await open({ Approvers: ['bob'] });
    assert.equal(await service.withdraw(id, directory.user('alice')), '');
    assert.deepEqual(await closed(id), { status: 'CANCEL', closeCode: 'withdrawn', reason: 'withdrawn by alice' });
  });

  test('cancelled: the execution ended first (cancelled or failed: one code, the reason says which)', async () => {
    for (const status of ['Cancelled', 'Failed'] as const) {
      const { id, executionId } = await open({ Approvers: ['bob'] });
      assert.deepEqual(await service.closeForExecution({ id: executionId, status, statusMessage: 'by hand' }), [id]);
      const t = await closed(id);
      assert.equal(t.closeCode, 'cancelled');
      assert.equal(t.reason, `execution ${executionId} ${status.toLowerCase()}: by hand`);
    }
  });

  test('unresolvable: nobody can approve, too few approvers, approvers not in the directory', async () => {
    const cases = [
      { Approvers: ['alice'] }, // only the requester, who may not approve her own run
      { Approvers: ['bob', 'carol'], MinRequiredApprovals: 3 },
      { Approvers: ['mallory'] },
    ];
    for (const properties of cases) {
      const { id } = await open(properties);
      const t = await closed(id);
      assert.equal(t.status, 'CANCEL', JSON.stringify(properties));
      assert.equal(t.closeCode, 'unresolvable', `${JSON.stringify(properties)}: ${t.reason}`);
      assert.equal((await service.status(id)).closeCode, 'unresolvable');
    }
  });

  test('tickets closed before codes were stored read a code from their status', async () => {
    const a = await open({ Approvers: ['bob'] });
    await service.vote(a.id, directory.user('bob'), 'AGREE');
    const r = await open({ Approvers: ['bob'] });
    await service.vote(r.id, directory.user('bob'), 'REJECT');
    const c = await open({ Approvers: ['bob'] });
    await service.onTimer({ ticketId: c.id, kind: 'timeout', level: -1 });
    const x = await open({ Approvers: ['bob'] });
    await service.closeForExecution({ id: x.executionId, status: 'Failed' });
    // An execution's ticket keeps its fields in its hash, prefixed t<id in base 36>. (store/ticket-place.ts).
    for (const { id, executionId } of [a, r, c])
      await redis.hdel(k.execution(executionId), `t${Number(id).toString(36)}.closeCode`);
    // The code closeForExecution wrote before it was unified.
    await redis.hset(k.execution(x.executionId), `t${Number(x.id).toString(36)}.closeCode`, 'EXECUTION_FAILED');
    assert.deepEqual(await Promise.all([a, r, c, x].map(async ({ id }) => (await closed(id)).closeCode)), [
      'approved',
      'rejected',
      'cancelled',
      'cancelled',
    ]);
    const o = await open({ Approvers: ['bob'] });
    assert.equal((await service.get(o.id)).closeCode, undefined);
  });
});
