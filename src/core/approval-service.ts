import type { Directory, DirectoryUser } from '../config/directory.js';
import { resolveApprovers } from '../approval/resolve.js';
import type { Execution } from '../engine/types.js';
import type { Producer } from '../queue/producer.js';
import {
  type LevelRecord,
  reasonOf,
  type Ticket,
  type TicketDoc,
  type TicketTimer,
  type VoteChannel,
  type VoteDecision,
} from '../approval/ticket.js';
import type { ApprovalTickets } from '../store/approval-tickets.js';
import { holds } from '../template/criteria.js';
import { levelName, readApproval, required, type ApprovalSpec } from '../template/approve.js';
import { addLogContext } from '../log.js';
import { type Msg, msg, render, t } from '../i18n/index.js';

/** `self-approval`: the voter started the run (or asked for the approval) and the step does not allow it. */
export type VoteOutcome =
  | 'missing'
  | 'closed'
  | 'not-approver'
  | 'self-approval'
  | 'duplicate'
  | 'recorded'
  | 'decided'
  | 'unknown-user';

export interface VoteResult {
  outcome: VoteOutcome;
  /** What to tell the voter (privately), in English; `text` is the same from the catalogue. */
  message: string;
  text: Msg;
  ticket?: Ticket;
}

const result = (outcome: VoteOutcome, text: Msg, ticket?: Ticket): VoteResult => ({
  outcome,
  message: render(text, 'en'),
  text,
  ...(ticket ? { ticket } : {}),
});

export type { TicketTimer };

/**
 * Approvals: tickets with levels (ANY, ALL, MinRequiredApprovals), criteria, lazy approver
 * resolution, and the vote, the one entry point every channel (chat button, chat command, mail
 * link, API) goes through. Exactly one caller sees a ticket decided; it resumes what waits.
 */
export class ApprovalService {
  constructor(
    private readonly tickets: ApprovalTickets,
    private readonly directory: Directory,
    private readonly producer: Producer,
    /** What an execution's criteria see now: {parameters, outputs, request}; read when a level is reached. */
    private readonly subjectOf: (executionId: string) => Promise<Record<string, unknown> | undefined> = async () =>
      undefined,
    private readonly now: () => Date = () => new Date(),
    /** Told once per ticket, by the caller that decided it (metrics; must not touch Redis). */
    private readonly decided: (ticket: Ticket) => void = () => {},
  ) {}

  // --- opening -------------------------------------------------------------------------------

  /** ACS::Approve: the ticket of (execution, task), opened once, its first level active. */
  async openForTask(
    execution: Execution,
    taskName: string,
    taskExecutionId: string,
    properties: Record<string, unknown>,
  ): Promise<{ id: string }> {
    const spec = readApproval(properties);
    const reasons = Array.isArray(properties.Reasons) ? properties.Reasons.map(String) : undefined;
    return this.open({
      key: `${taskName}/${taskExecutionId}`,
      executionId: execution.id,
      taskName,
      templateName: execution.templateName,
      // Title, description and reasons of a runbook's ticket follow from it (store/approval-tickets.ts);
      // its parameters and outputs are read from the execution when a level needs them.
      title: '',
      description: '',
      orderType: 'RUNBOOK',
      requester: execution.owner,
      spec,
      subject: {},
      reasons: reasons ?? [],
    });
  }

  async open(doc: Omit<TicketDoc, 'id' | 'createDate'>): Promise<{ id: string }> {
    const id = await this.tickets.create({ ...doc, createDate: this.now().toISOString() });
    const t = await this.tickets.get(id);
    if (t.level === -1 && t.status === 'AUDITING') {
      if (doc.spec.timeoutMs) await this.timer({ ticketId: id, kind: 'timeout', level: -1 }, doc.spec.timeoutMs);
      await this.advance(id, -1);
    }
    return { id };
  }

  // --- the vote path ---------------------------------------------------------------------------

  async vote(
    id: string,
    voter: DirectoryUser | undefined,
    decision: VoteDecision,
    comment?: string,
    channel?: VoteChannel,
  ): Promise<VoteResult> {
    addLogContext({ ticketId: id });
    if (!voter) return result('unknown-user', msg('core:voteNotInDirectory'));
    const r = await this.tickets.ballot(id, voter.name, decision, comment, this.now().toISOString(), channel);
    if (r.outcome === 'missing') return result('missing', msg('core:voteNoTicket', { id }));
    if (r.outcome === 'recorded') {
      // The common case answers from the script's own counts; the card shows the new tally.
      if (r.executionId) await this.producer.notify({ kind: 'ticket', ticketId: id });
      return result('recorded', msg('core:voteRecorded', { id, approvals: r.approvals, required: r.required }));
    }
    let decided = r.outcome === 'decided';
    if (r.outcome === 'level-done') decided = (await this.advance(id, r.level)) === 'decided';
    // The run first: its task reads only the decision, which the script stored, and a person waits for
    // its next step; the ticket's level record and card follow.
    if (r.outcome === 'decided' && r.executionId) await this.resumeRun(r.executionId, id);
    if (r.outcome === 'decided') await this.finish(id, true);
    else if (r.outcome === 'level-done' && r.executionId) await this.producer.notify({ kind: 'ticket', ticketId: id });
    const ticket = await this.tickets.get(id);
    let outcome: VoteOutcome | 'level-done' = r.outcome;
    // Someone who voted on an earlier level is no approver of this one: they counted already.
    if (outcome === 'not-approver' && ticket.votes.some((v) => v.voter === voter.name)) outcome = 'duplicate';
    // The requester is never asked (approval/resolve.ts): say so, rather than "not an approver".
    if (outcome === 'not-approver' && ticket.requester === voter.name && !ticket.spec.allowSelfApproval)
      outcome = 'self-approval';
    const specLevel = ticket.spec.levels[ticket.level];
    const currentLevel =
      specLevel && ticket.levels.some((l) => l.index === ticket.level) ? levelName(specLevel) : ticket.level + 1;
    const nextLevel =
      specLevel && ticket.levels.some((l) => l.index === ticket.level && l.status === 'active')
        ? levelName(specLevel)
        : undefined;
    if (decided)
      return result(
        'decided',
        msg(ticket.status === 'APPROVED' ? 'core:ticketApproved' : 'core:ticketRejected', { id }),
        ticket,
      );
    const text = {
      closed: msg('core:ticketAlready', { id, state: statusMsg(ticket) }),
      'not-approver':
        ticket.spec.levels.length > 1 && ticket.level >= 0
          ? msg('core:notApproverAtLevel', { id, level: currentLevel })
          : msg('core:notApprover', { id }),
      'self-approval': msg('core:selfApproval', { id, decision, run: ticket.executionId ? 'yes' : 'no' }),
      duplicate: msg('core:duplicateVote', { id }),
      recorded: msg('core:voteRecorded', { id, approvals: r.approvals, required: ticket.required }),
      'level-done': nextLevel
        ? msg('core:levelApproved', { n: r.level + 1, id, next: nextLevel })
        : msg('core:levelApprovedNext', { n: r.level + 1, id }),
      decided: msg('core:ticketApproved', { id }),
      'unknown-user': msg('core:voteNotInDirectory'),
      missing: msg('core:voteNoTicket', { id }),
    }[outcome];
    return result(outcome === 'level-done' ? 'recorded' : outcome, text, ticket);
  }

  /**
   * Moves past level `from`: skips levels whose criteria are false, resolves the next level's
   * approvers (the directory of now, without those who voted already), and activates it; with no
   * level left the ticket is approved. Only the caller that completed `from` gets here.
   */
  private async advance(id: string, from: number): Promise<'active' | 'decided' | 'raced'> {
    const t = await this.tickets.get(id);
    if (t.status !== 'AUDITING') return 'raced';
    const date = this.now().toISOString();
    const prev = t.levels.find((l) => l.index === from);
    if (prev && prev.status === 'active') await this.tickets.putLevel(id, { ...prev, status: 'approved' });
    const voted = new Set(t.votes.map((v) => v.voter));
    for (let i = from + 1; i < t.spec.levels.length; i++) {
      const level = t.spec.levels[i]!;
      const base = { index: i, name: level.name, mode: level.mode, approvers: [] as string[], required: 0 };
      if (level.criteria && !holds(level.criteria, await this.subject(t))) {
        await this.tickets.putLevel(id, { ...base, status: 'skipped', ...noted(msg('core:criteriaDoNotHold')) });
        continue;
      }
      let approvers: string[];
      try {
        approvers = resolveApprovers(level.approvers, {
          directory: this.directory,
          owner: t.requester,
          allowSelfApproval: t.spec.allowSelfApproval,
        }).filter((a) => !voted.has(a));
      } catch (err) {
        return this.fail(id, t, i, base, (err as { text?: Msg }).text ?? (err as Error).message);
      }
      const need = required(level, approvers.length);
      if (!approvers.length) return this.fail(id, t, i, base, msg('core:levelNobody', { level: levelName(level) }));
      if (need > approvers.length)
        return this.fail(
          id,
          t,
          i,
          { ...base, approvers },
          msg('core:levelTooFew', {
            level: levelName(level),
            need,
            available: approvers.length,
            names: approvers.join(', '),
          }),
        );
      const record: LevelRecord = { ...base, status: 'active', approvers, required: need, activatedAt: date };
      if (!(await this.tickets.activate(id, from, record))) return 'raced';
      await this.producer.notify({ kind: 'ticket', ticketId: id });
      if (t.spec.notify) await this.producer.deliver(id, i);
      if (t.spec.remindAfterMs) await this.timer({ ticketId: id, kind: 'remind', level: i }, t.spec.remindAfterMs);
      if (level.escalateAfterMs && level.escalateTo?.length)
        await this.timer({ ticketId: id, kind: 'escalate', level: i }, level.escalateAfterMs);
      return 'active';
    }
    if (!(await this.tickets.close(id, 'approved', 'approved', date, true))) return 'raced';
    await this.finish(id);
    return 'decided';
  }

  private async subject(t: Ticket): Promise<Record<string, unknown>> {
    const live = t.executionId ? await this.subjectOf(t.executionId) : undefined;
    return { parameters: {}, outputs: {}, context: {}, request: { owner: t.requester }, ...t.subject, ...live };
  }

  private async fail(
    id: string,
    _t: Ticket,
    _index: number,
    base: Omit<LevelRecord, 'status'>,
    reason: Msg | string,
  ): Promise<'decided' | 'raced'> {
    if (!(await this.tickets.close(id, 'unresolvable', reason, this.now().toISOString(), true))) return 'raced';
    await this.tickets.putLevel(id, { ...base, status: 'cancelled', ...noted(reason) });
    await this.finish(id);
    return 'decided';
  }

  /** A decided ticket: its card shows the outcome, and what waits for it goes on, once. */
  private async finish(id: string, resumed = false): Promise<void> {
    const t = await this.tickets.get(id);
    if (t.executionId && !resumed) await this.resumeRun(t.executionId, id);
    this.decided(t);
    const active = t.levels.find((l) => l.status === 'active');
    if (active)
      await this.tickets.putLevel(id, {
        ...active,
        status: t.status === 'REJECT' ? 'rejected' : t.status === 'APPROVED' ? 'approved' : 'cancelled',
      });
    await this.producer.notify({ kind: 'ticket', ticketId: id });
    if (t.callbackUrl) await this.producer.callback(id);
  }

  /** Resumes the run a decided ticket holds at its task: once, whichever path decided it (the job id). */
  private resumeRun(executionId: string, id: string): Promise<void> {
    return this.producer.resume(executionId, 'ticket', `t${id}`);
  }

  /**
   * The execution ended (cancelled, failed, completed by hand, its parent cancelled): its open
   * tickets close as CANCEL (code `cancelled`) with the reason, their cards lose their buttons and say why, later
   * votes are refused, and their timers find them closed. Nothing resumes: the run is over.
   */
  async closeForExecution(exec: Pick<Execution, 'id' | 'status' | 'statusMessage' | 'statusText'>): Promise<string[]> {
    const closed: string[] = [];
    // The run's own note goes in as its Msg when it has one, so that the reason reads whole in any language.
    const reason = msg(exec.statusMessage ? 'core:executionEndedNote' : 'core:executionEnded', {
      id: exec.id,
      status: exec.status,
      note: exec.statusMessage ? (exec.statusText ?? exec.statusMessage) : undefined,
    });
    for (const id of await this.tickets.ofExecution(exec.id)) {
      if (!(await this.tickets.close(id, 'cancelled', reason, this.now().toISOString()))) continue;
      const t = await this.tickets.get(id);
      this.decided(t);
      const active = t.levels.find((l) => l.status === 'active');
      if (active) await this.tickets.putLevel(id, { ...active, status: 'cancelled', ...noted(reason) });
      await this.producer.notify({ kind: 'ticket', ticketId: id });
      closed.push(id);
    }
    return closed;
  }

  // --- other channels of the same path ---------------------------------------------------------

  /** TRANSFER: a pending approver of the active level hands their place to someone else. */
  async transfer(id: string, voter: DirectoryUser | undefined, newApprover: string): Promise<string> {
    const t = await this.tickets.get(id);
    if (!voter) return stored(msg('core:transferNotInDirectory'));
    if (!this.directory.user(newApprover)) return stored(msg('core:transferUnknown', { user: newApprover }));
    if (newApprover === t.requester && !t.spec.allowSelfApproval)
      return stored(msg('core:transferToRequester', { user: newApprover }));
    const r = await this.tickets.changeApprovers(id, t.level, voter.name, [newApprover]);
    if (r === 'ok') await this.producer.notify({ kind: 'ticket', ticketId: id });
    if (r === 'ok') return '';
    return stored(
      {
        closed: msg('core:ticketAlready', { id, state: statusMsg(t) }),
        moved: msg('core:transferMoved'),
        'not-pending': msg('core:transferNotPending', { id }),
        already: msg('core:transferAlready', { user: newApprover }),
      }[r],
    );
  }

  /** CANCEL by the requester: the ticket is withdrawn, and the execution cancelled. */
  async withdraw(id: string, who: DirectoryUser | undefined): Promise<string> {
    const t = await this.tickets.get(id);
    if (!who || who.name !== t.requester)
      return stored(msg('core:withdrawOnlyRequester', { id, requester: t.requester ?? 'none' }));
    const closed = await this.tickets.close(
      id,
      'withdrawn',
      msg('core:withdrawnBy', { user: who.name }),
      this.now().toISOString(),
    );
    if (!closed) return stored(msg('core:ticketAlready', { id, state: statusMsg(t) }));
    await this.finish(id);
    return '';
  }

  /** A ticket timer went off; what it did, as the timer job's result (for the queue's log, not for people). */
  async onTimer(job: TicketTimer): Promise<string> {
    const t = await this.tickets.get(job.ticketId);
    // i18n-exempt: the job's result, read in the queue dashboard and logs
    if (t.status !== 'AUDITING') return 'already decided';
    if (job.kind === 'timeout') {
      const closed = await this.tickets.close(t.id, 'timed-out', msg('core:timedOut'), this.now().toISOString());
      // i18n-exempt: the job's result, read in the queue dashboard and logs
      if (!closed) return 'decided meanwhile';
      await this.finish(t.id);
      // i18n-exempt: the job's result, read in the queue dashboard and logs
      return 'timed out';
    }
    // i18n-exempt: the job's result, read in the queue dashboard and logs
    if (t.level !== job.level) return 'level already done';
    if (job.kind === 'remind') {
      await this.producer.notify({ kind: 'remind', ticketId: t.id });
      return 'reminded';
    }
    const level = t.spec.levels[job.level]!;
    const joining = resolveApprovers(level.escalateTo, {
      directory: this.directory,
      owner: t.requester,
      allowSelfApproval: t.spec.allowSelfApproval,
    });
    if ((await this.tickets.changeApprovers(t.id, job.level, '', joining)) === 'ok') {
      const rec = t.levels.find((l) => l.index === job.level)!;
      await this.tickets.putLevel(t.id, {
        ...rec,
        approvers: [...new Set([...rec.approvers, ...joining])],
        ...noted(msg('core:escalatedTo', { names: joining.join(', ') })),
      });
      await this.producer.notify({ kind: 'ticket', ticketId: t.id });
    }
    return 'escalated';
  }

  private async timer(job: TicketTimer, delayMs: number): Promise<void> {
    await this.producer.ticketTimer(job, delayMs);
  }

  get(id: string): Promise<Ticket> {
    return this.tickets.get(id);
  }

  /** The tickets of an execution still waiting for votes. */
  async openOf(executionId: string): Promise<Ticket[]> {
    const all = await Promise.all(
      (await this.tickets.ofExecution(executionId)).map((id) => this.tickets.get(id).catch(() => undefined)),
    );
    return all.filter((t): t is Ticket => t?.status === 'AUDITING');
  }

  /** For the engine: a ticket's status and what to say about it. */
  async status(
    id: string,
  ): Promise<Pick<Ticket, 'status' | 'reason' | 'reasonText' | 'closeCode'> & { summary: string }> {
    const t = await this.tickets.decision(id);
    const rejected = t.votes.find((v) => v.decision === 'REJECT');
    const summary = rejected
      ? `${rejected.voter}${rejected.comment ? `: ${rejected.comment}` : ''}`
      : t.votes
          .filter((v) => v.decision === 'AGREE')
          .map((v) => v.voter)
          .join(', ');
    return {
      status: t.status,
      summary,
      reason: t.reason,
      ...(t.reasonText ? { reasonText: t.reasonText } : {}),
      closeCode: t.closeCode,
    };
  }
}

/** Where a closed ticket stands, as a message: `approved`, `timed out`, `cancelled (why)`. */
export function statusMsg(t: Pick<Ticket, 'status' | 'reason' | 'reasonText' | 'closeCode'>): Msg {
  if (t.status === 'CANCEL' && t.closeCode !== 'timed-out' && t.reason)
    return msg('core:ticketStateReason', { reason: reasonOf(t) });
  return msg('core:ticketState', { state: t.closeCode === 'timed-out' ? 'timedOut' : t.status });
}

/** statusMsg in English (what the API answers). */
export function describeStatus(t: Pick<Ticket, 'status' | 'reason' | 'reasonText' | 'closeCode'>): string {
  return render(statusMsg(t), 'en');
}

/**
 * What the service answers its callers (a refusal of a transfer or a withdrawal, thrown by the API as its
 * message): English, as the DMS API answers.
 */
function stored(m: Msg): string {
  return t('en', m.key, m.values);
}

/**
 * A level's note as the ticket keeps it: its English (what the API answers) and, when it comes from the
 * catalogue, the Msg each reader renders in their language.
 */
function noted(note: Msg | string): Pick<LevelRecord, 'note' | 'noteText'> {
  return typeof note === 'string' ? { note } : { note: render(note, 'en'), noteText: note };
}

export type { ApprovalSpec };
