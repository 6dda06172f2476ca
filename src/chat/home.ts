import type { ApprovalService } from '../core/approval-service.js';
import type { Execution } from '../engine/types.js';
import type { Ticket } from '../approval/ticket.js';
import type { ExecutionStore } from '../store/executions.js';

/** What a person's home tab shows: approvals waiting for them, and their recent runs. */
export interface Home {
  pending: Ticket[];
  runs: Execution[];
}

export async function homeOf(
  user: string,
  deps: { executions: ExecutionStore; approvals: ApprovalService },
  recent = 200,
): Promise<Home> {
  const all = await deps.executions.recent(recent);
  const pending: Ticket[] = [];
  for (const e of all.filter((x) => x.status === 'Waiting')) {
    const id = e.current ? (e.tasks[e.current]?.data?.ticketId as string | undefined) : undefined;
    if (!id) continue;
    const t = await deps.approvals.get(id).catch(() => undefined);
    if (t && t.status === 'AUDITING' && t.approvers.includes(user) && !t.votes.some((v) => v.voter === user))
      pending.push(t);
  }
  return { pending, runs: all.filter((e) => e.owner === user).slice(0, 10) };
}
