/**
 * Votes per second through opsgate's vote path (ApprovalService.vote: the ballot script, the ticket
 * read for the voter's answer, the card's notification) at 50 concurrent voters, against the bare
 * ballot script called the same way, on the same Redis in the same run.
 */
import { performance } from 'node:perf_hooks';
import { runScript } from '../src/store/scripts.js';
import { pool, row, withRuntime } from './bench-engine.js';

const VOTERS = ['bob', 'carol', 'dave'];

export async function runVoteBench(redisUrl: string, tickets = 2000, concurrency = 50): Promise<void> {
  await withRuntime(redisUrl, async (rt) => {
    const spec = {
      levels: [{ name: 'L', mode: 'MIN' as const, min: VOTERS.length, approvers: VOTERS }],
      allowSelfApproval: false,
      chat: true,
    };
    const open = async (n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const id = await rt.tickets.create({
          key: `bench/${i}/${Math.random()}`,
          title: 'bench',
          description: '',
          orderType: 'BENCH',
          spec,
          subject: {},
          reasons: [],
          createDate: new Date().toISOString(),
        });
        await rt.tickets.activate(id, -1, {
          index: 0,
          name: 'L',
          mode: 'MIN',
          status: 'active',
          approvers: VOTERS,
          required: VOTERS.length,
        });
        ids.push(id);
      }
      return ids;
    };
    // Two approvals of three on every ticket: each vote is recorded, none completes the level.
    const ballots = (ids: string[]) => ids.flatMap((id) => VOTERS.slice(0, 2).map((v) => ({ id, v })));
    const users = Object.fromEntries(VOTERS.map((v) => [v, rt.directory.user(v) ?? { name: v, ids: {}, groups: [] }]));

    const bare = ballots(await open(tickets));
    const keysOf = (id: string) => [rt.keys.ticket(`ticket-${id}`, id), rt.keys.ticketVotes(`ticket-${id}`, id)];
    let t = performance.now();
    await pool(bare.length, concurrency, (i) =>
      runScript(rt.redis, 'ballot', keysOf(bare[i]!.id), ['', bare[i]!.v, 'AGREE', '', new Date().toISOString()]),
    );
    const bareRate = bare.length / ((performance.now() - t) / 1000);

    const path = ballots(await open(tickets));
    t = performance.now();
    const results = await pool(path.length, concurrency, (i) =>
      rt.approvals.vote(path[i]!.id, users[path[i]!.v], 'AGREE'),
    );
    const pathRate = path.length / ((performance.now() - t) / 1000);
    if (results.some((r) => r.outcome !== 'recorded')) throw new Error('bench votes were not all recorded');
    await rt.producer.notifications.obliterate({ force: true });

    console.log(
      `votes: ${path.length.toLocaleString('en')} approvals on ${tickets.toLocaleString('en')} tickets, ` +
        `${concurrency} concurrent voters`,
    );
    console.log(row('what', 'anchor', 'opsgate', 'ratio'));
    console.log(
      row(
        'votes/s: vote path vs bare ballot script',
        `${Math.round(bareRate).toLocaleString('en')}/s`,
        `${Math.round(pathRate).toLocaleString('en')}/s`,
        `${(pathRate / bareRate).toFixed(2)}x`,
      ),
    );
  });
}
