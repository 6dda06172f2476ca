import type { Execution } from '../engine/types.js';
import type { Ticket } from '../approval/ticket.js';
import type { ApprovalTickets } from '../store/approval-tickets.js';
import type { ExecutionStore } from '../store/executions.js';

/** What a person's home tab shows: approvals waiting for them, and their recent runs. */
export interface Home {
  pending: Ticket[];
  runs: Execution[];
}

/** Open tickets looked at, at most: what is open now, however long the history. */
const OPEN_TICKETS = 1000;

export async function homeOf(
  user: string,
  deps: { executions: ExecutionStore; tickets: Pick<ApprovalTickets, 'open'> },
  runs = 10,
): Promise<Home> {
  const [open, mine] = await Promise.all([
    deps.tickets.open(OPEN_TICKETS),
    // Their runs from the executed-by index, newest first.
    deps.executions.list({ filter: { owner: user }, keep: (e) => e.owner === user, limit: runs }),
  ]);
  const pending = open.filter((t) => t.approvers.includes(user) && !t.votes.some((v) => v.voter === user));
  return { pending, runs: mine.items };
}
