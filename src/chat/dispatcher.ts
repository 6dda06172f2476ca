import { approvalCard } from '../approval/card.js';
import { describeExecution, icon } from './describe.js';
import type { ChatSender } from './platform.js';
import type { Masker } from '../engine/mask.js';
import type { Execution } from '../engine/types.js';
import type { Logger } from '../log.js';
import type { NotifyJob } from '../queue/producer.js';
import type { ExecutionStore } from '../store/executions.js';
import type { ApprovalTickets } from '../store/approval-tickets.js';

export interface DispatcherDeps {
  executions: ExecutionStore;
  tickets: ApprovalTickets;
  /** Where messages go: the sender of each platform that is on. */
  senders: readonly ChatSender[];
  publicUrl: string;
  log: Logger;
  /** How many tasks the run's template has, for the progress line. */
  totalTasks?: (exec: Execution) => Promise<number>;
  /** What hides the run's NoEcho values and credentials in every message and card (engine/mask.ts). */
  maskerOf: (exec: Execution) => Promise<Masker>;
}

/** `3/5 tasks, now rebootInstance (waiting for approval 12)`. */
export function progressLine(exec: Execution, mask: Masker, total?: number): string {
  const done = Object.values(exec.tasks).filter((t) => t.status === 'Success' || t.status === 'Skipped').length;
  const now =
    exec.current && ['Running', 'Waiting'].includes(exec.tasks[exec.current]?.status ?? '') ? exec.current : undefined;
  const waiting =
    now && exec.tasks[now]?.status === 'Waiting' ? ` (${mask.text(exec.tasks[now]!.message ?? 'waiting')})` : '';
  return `${icon(exec.status)} ${done}${total ? `/${total}` : ''} tasks${now ? `, now ${now}${waiting}` : ''}`;
}

/**
 * Tells people what the worker did, on the platform where the execution started: the run's first
 * message, its progress in a thread under it, and the approval card (posted once, then updated).
 */
export function notificationDispatcher(deps: DispatcherDeps) {
  const { executions, tickets, senders, publicUrl, totalTasks, maskerOf } = deps;

  return async function dispatch(job: NotifyJob): Promise<void> {
    const executionId = 'ticketId' in job ? await tickets.executionOf(job.ticketId) : job.executionId;
    const exec = executionId ? await executions.find(executionId) : undefined;
    if (!exec) return;
    const sender = senders.find((s) => s.platform === exec.origin.platform);
    const channel = exec.origin.channel;
    if (!sender || !channel) return;
    // A child execution's progress belongs to its parent's run; only its approvals are posted.
    if (exec.parent && job.kind !== 'ticket') return;
    const link = `${publicUrl}/executions/${exec.id}`;
    const mask = await maskerOf(exec);

    switch (job.kind) {
      case 'started': {
        if (await executions.thread(exec.id)) return; // already posted (a retried job)
        const who = exec.owner ? `${exec.owner} started` : 'Started';
        const first = `▶ ${who} ${exec.templateName} ${exec.templateVersion}: ${exec.id}\n${link}`;
        const ref = await sender.post(channel, { text: first });
        await executions.setThread(exec.id, ref);
        return;
      }
      case 'task': {
        // One progress line in the run's thread, edited as tasks go; a failure gets its own message.
        const thread = await executions.thread(exec.id);
        const text = progressLine(exec, mask, totalTasks ? await totalTasks(exec) : undefined);
        const ref = await executions.progress(exec.id);
        if (ref) await sender.update(channel, ref, { text });
        else await executions.setProgress(exec.id, await sender.post(channel, { text }, thread));
        if (job.status === 'Failed') {
          const why = job.message ? `: ${mask.text(job.message)}` : '';
          await sender.post(channel, { text: `${icon('Failed')} ${job.task} failed${why}` }, thread);
        }
        return;
      }
      case 'finished': {
        const thread = await executions.thread(exec.id);
        const ref = await executions.progress(exec.id);
        if (ref) {
          const total = totalTasks ? await totalTasks(exec) : undefined;
          await sender.update(channel, ref, { text: progressLine(exec, mask, total) });
        }
        await sender.post(channel, { text: describeExecution(exec, mask) }, thread);
        return;
      }
      case 'remind': {
        const card = approvalCard(await tickets.get(job.ticketId), publicUrl);
        const text = `reminder: ${card.title} still waits for you (${card.tally})`;
        const ticket = { id: card.ticketId, executionId: card.executionId };
        if (card.pending.length) await sender.post(channel, { text, mentions: card.pending, ticket });
        return;
      }
      case 'ticket': {
        const ticket = await tickets.get(job.ticketId);
        const card = approvalCard(ticket, publicUrl, { parameters: mask.parameters(exec.parameters) });
        const message = { text: `${card.title}: ${card.outcome ?? card.tally}`, card };
        const ref = await tickets.card(ticket.id, sender.platform);
        if (ref) {
          await sender.update(channel, ref, message);
        } else {
          await tickets.setCard(ticket.id, sender.platform, await sender.post(channel, message));
        }
        return;
      }
    }
  };
}
