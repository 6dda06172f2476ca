import { approvalCard } from '../approval/card.js';
import { describeExecution, icon } from './describe.js';
import type { ChatSender } from './platform.js';
import type { Masker } from '../engine/mask.js';
import { type Execution, taskMessageIn } from '../engine/types.js';
import { type Locale, translator } from '../i18n/index.js';
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
  /** The deployment's language and zone, for runs whose origin names none (started before opsgate kept it). */
  defaults?: { locale: Locale; timezone: string };
}

/** `3/5 tasks, now rebootInstance (waiting for approval 12)`, in the reader's language. */
export function progressLine(exec: Execution, mask: Masker, total?: number, locale: Locale = 'en'): string {
  const t = translator(locale);
  const done = Object.values(exec.tasks).filter((t) => t.status === 'Success' || t.status === 'Skipped').length;
  const now =
    exec.current && ['Running', 'Waiting'].includes(exec.tasks[exec.current]?.status ?? '') ? exec.current : undefined;
  const tasks = t('chat:progressTasks', { progress: `${done}${total ? `/${total}` : ''}` });
  const task = now ? exec.tasks[now] : undefined;
  const line = !now
    ? tasks
    : task?.status === 'Waiting'
      ? t('chat:progressWaiting', {
          tasks,
          task: now,
          message: mask.text(taskMessageIn(task, locale) ?? t('chat:waiting')),
        })
      : t('chat:progressNow', { tasks, task: now });
  return `${icon(exec.status)} ${line}`;
}

/**
 * Tells people what the worker did, on the platform where the execution started: the run's first
 * message, its progress in a thread under it, and the approval card (posted once, then updated). All in
 * the language and zone of who started the run (its origin's reader).
 */
export function notificationDispatcher(deps: DispatcherDeps) {
  const { executions, tickets, senders, publicUrl, totalTasks, maskerOf } = deps;
  const defaults = deps.defaults ?? { locale: 'en', timezone: 'UTC' };

  return async function dispatch(job: NotifyJob): Promise<void> {
    if (job.kind === 'chat-retry') {
      const sender = senders.find((s) => s.platform === job.platform);
      if (sender?.retry) await sender.retry(job.data);
      else deps.log.warn({ platform: job.platform }, 'a chat retry for a platform that is off: dropped');
      return;
    }
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
    const reader = {
      locale: exec.origin.locale ?? defaults.locale,
      timeZone: exec.origin.timeZone ?? defaults.timezone,
    };
    const t = translator(reader.locale);
    // Every message names its language, so a platform's own words around it (DingTalk's) follow it.
    const { locale } = reader;

    switch (job.kind) {
      case 'started': {
        if (await executions.thread(exec.id)) return; // already posted (a retried job)
        const run = { template: exec.templateName, version: exec.templateVersion, id: exec.id };
        const who = exec.owner
          ? t('chat:firstMessage', { ...run, owner: exec.owner })
          : t('chat:firstMessageNoOwner', run);
        const ref = await sender.post(channel, { text: `▶ ${who}\n${link}`, locale });
        await executions.setThread(exec.id, ref);
        return;
      }
      case 'task': {
        // One progress line in the run's thread, edited as tasks go; a failure gets its own message.
        const thread = await executions.thread(exec.id);
        const text = progressLine(exec, mask, totalTasks ? await totalTasks(exec) : undefined, reader.locale);
        const ref = await executions.progress(exec.id);
        if (ref) await sender.update(channel, ref, { text, locale });
        else await executions.setProgress(exec.id, await sender.post(channel, { text, locale }, thread));
        if (job.status === 'Failed') {
          const record = exec.tasks[job.task];
          // The task's own catalogue text when it is the failure the job tells of; else the job's English.
          const why = record && record.message === job.message ? taskMessageIn(record, reader.locale) : job.message;
          const failed = why
            ? t('chat:taskFailed', { task: job.task, message: mask.text(why) })
            : t('chat:taskFailedNoReason', { task: job.task });
          await sender.post(channel, { text: `${icon('Failed')} ${failed}`, locale }, thread);
        }
        return;
      }
      case 'finished': {
        const thread = await executions.thread(exec.id);
        const ref = await executions.progress(exec.id);
        if (ref) {
          const total = totalTasks ? await totalTasks(exec) : undefined;
          await sender.update(channel, ref, { text: progressLine(exec, mask, total, locale), locale });
        }
        await sender.post(channel, { text: describeExecution(exec, mask, reader), locale }, thread);
        return;
      }
      case 'remind': {
        const card = approvalCard(await tickets.get(job.ticketId), publicUrl, reader);
        const text = t('card:reminder', { title: card.title, tally: card.tally });
        const ticket = { id: card.ticketId, executionId: card.executionId };
        if (card.pending.length) await sender.post(channel, { text, mentions: card.pending, ticket, locale });
        return;
      }
      case 'ticket': {
        const ticket = await tickets.get(job.ticketId);
        const card = approvalCard(ticket, publicUrl, { parameters: mask.parameters(exec.parameters), ...reader });
        const message = {
          text: t('card:summary', { title: card.title, state: card.outcome ?? card.tally }),
          card,
          locale,
        };
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
