import { createHash, randomBytes } from 'node:crypto';
import type { ChildrenPort } from '../engine/actions/types.js';
import { isTerminal } from '../engine/status.js';
import type { Execution, ExecutionMode, Origin, ParentRef } from '../engine/types.js';
import { ApprovalGateError, InvalidStatusError } from '../errors.js';
import { decideSignal, type SteeringWord } from '../engine/signals.js';
import type { Producer } from '../queue/producer.js';
import type { ExecutionStore } from '../store/executions.js';
import type { TemplateStore } from '../store/templates.js';
import { resolveParameters } from '../template/parameters.js';
import { noEchoNames, secretMasker } from '../engine/mask.js';
import { applicable, policyGate, type Policy } from '../config/policies.js';
import { builtinsFor } from '../engine/builtins.js';
import { asksApproval } from '../engine/gate.js';
import { waitingParent } from '../engine/step.js';
import type { Permissions } from './permissions.js';
import { type Msg, msg, render } from '../i18n/index.js';
import { randomHex20 } from '../ids.js';

/** The reason a run cancelled by `user` keeps (its statusText; statusMessage is its English). */
export function cancelledBy(user: string | undefined): Msg {
  return msg('core:cancelledBy', { user: user ?? '' });
}

export interface StartRequest {
  templateName: string;
  templateVersion?: string;
  /** As given: typed JSON from the API, or text from a chat command. */
  parameters: Record<string, unknown>;
  owner?: string;
  origin: Origin;
  mode?: ExecutionMode;
  loopMode?: string;
  description?: string;
  tags?: Record<string, string>;
  parent?: ParentRef;
  /** A fixed id (children: derived from the parent's task run, so a retry finds the same child). */
  id?: string;
  startAt?: string;
  /** Outputs of tasks that ran elsewhere (a trigger's), visible to the child's references. */
  seedOutputs?: Record<string, Record<string, unknown>>;
  /** Runs after the execution is saved and before it is queued; a different id it returns wins. */
  beforeQueue?: (id: string) => Promise<string>;
  /** A parent's NoEcho values: a child's parameter that carries one is NoEcho in the child too. */
  inheritedSecrets?: unknown[];
}

/** Starting, reading and cancelling executions; child executions for the engine. */
export class Executions {
  constructor(
    private readonly templates: TemplateStore,
    private readonly store: ExecutionStore,
    private readonly producer: Producer,
    /** The region of {{ ACS::RegionId }}. */
    private readonly region = 'cn-hangzhou',
    /** Approval policies: a run one applies to waits for that approval before its first task. */
    private readonly policies: Policy[] = [],
    /** Who may start what needs approval (a directory user); absent: anyone (tests of the engine alone). */
    private readonly permissions?: Permissions,
    /** An execution ended by hand (cancel, CompleteExecution): close what it left open (its tickets). */
    private readonly ended: (exec: Execution) => Promise<unknown> = async () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(req: StartRequest): Promise<Execution> {
    const stored = await this.templates.runnable(req.templateName, req.templateVersion);
    const id = req.id ?? `exec-${randomHex20()}`;
    const date = this.now().toISOString();
    const parameters = await resolveParameters(
      stored.template,
      req.parameters,
      builtinsFor(
        { id, templateName: stored.name, templateVersion: stored.version, owner: req.owner, regionId: this.region },
        this.now(),
      ),
    );
    const tasks: Execution['tasks'] = {};
    for (const [name, outputs] of Object.entries(req.seedOutputs ?? {})) {
      tasks[name] = {
        taskExecutionId: `task-exec-${randomHex20()}`,
        status: 'Success',
        action: 'trigger',
        startDate: date,
        endDate: date,
        outputs,
      };
    }
    const gate =
      req.parent || req.startAt
        ? []
        : applicable(this.policies, { template: stored.name, parameters, owner: req.owner });
    if (gate.length || asksApproval(stored.template)) this.permissions?.checkStarter(req.owner, stored.name);
    const inherited = secretMasker(req.inheritedSecrets ?? []);
    const carries = (v: unknown) => {
      const t = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
      return inherited.noEcho(t) !== t;
    };
    const noEcho = [
      ...new Set([
        ...noEchoNames(stored.template),
        ...Object.keys(parameters).filter((k) => req.inheritedSecrets?.length && carries(parameters[k])),
      ]),
    ];
    const exec: Execution = {
      id,
      templateName: stored.name,
      templateVersion: stored.version,
      parameters,
      ...(noEcho.length ? { noEcho } : {}),
      status: 'Queued',
      tasks,
      owner: req.owner,
      origin: req.origin,
      mode: req.mode ?? 'Automatic',
      loopMode: req.loopMode,
      description: req.description,
      tags: req.tags,
      parent: req.parent,
      startAt: req.startAt,
      regionId: this.region,
      ...(gate.length ? { gate: policyGate(gate) } : {}),
      createDate: date,
      updateDate: date,
    };
    await this.store.create(exec);
    if (req.beforeQueue) {
      const winner = await req.beforeQueue(id);
      if (winner !== id) {
        await this.store.discard(id); // an earlier start with the same ClientToken won
        return this.store.get(winner);
      }
    }
    if (req.parent) await this.store.addChild(req.parent.executionId, id);
    await this.templates.countExecution(stored.name);
    await this.producer.start(id);
    return exec;
  }

  /** CompleteExecution (Debug, through steer): ends a waiting execution by hand with the given status. */
  private async complete(id: string, status: 'Success' | 'Failed' | 'Cancelled', note?: string): Promise<void> {
    if (status === 'Cancelled') {
      await this.cancel(id, note ?? msg('core:completedByHand'));
      return;
    }
    const exec = await this.store.get(id);
    const date = this.now().toISOString();
    const text = note === undefined ? msg('core:completedByHandAs', { status }) : undefined;
    const done: Execution = {
      ...exec,
      status,
      statusMessage: note ?? render(text!, 'en'),
      ...(text ? { statusText: text } : {}),
      endDate: date,
      updateDate: date,
    };
    if (!(await this.store.save(done, '')))
      throw new InvalidStatusError(
        msg('core:onlyWaitingCompletes', { id, status: msg('common:status', { status: exec.status }) }),
      );
    await this.ended(done);
    await this.producer.notify({ kind: 'finished', executionId: id });
  }

  get(id: string): Promise<Execution> {
    return this.store.get(id);
  }

  /** Notifications of this execution's approvals that could not be delivered. */
  deliveries(id: string): Promise<Record<string, unknown>[]> {
    return this.store.deliveries(id);
  }

  /**
   * Cancels an execution and its children; the job running it, if any, loses its next save. The reason is
   * kept in English (statusMessage, the task's message) and, when a Msg, as their catalogue text too.
   */
  async cancel(id: string, reason: string | Msg = msg('core:cancelled')): Promise<Execution> {
    const english = render(reason, 'en');
    const text = typeof reason === 'string' ? undefined : reason;
    for (let attempt = 0; attempt < 20; attempt++) {
      const exec = await this.store.get(id);
      if (isTerminal(exec.status)) return exec;
      const date = this.now().toISOString();
      const tasks = { ...exec.tasks };
      const current = exec.current ? tasks[exec.current] : undefined;
      if (current && ['Running', 'Waiting'].includes(current.status)) {
        tasks[exec.current!] = {
          ...current,
          status: 'Cancelled',
          endDate: date,
          message: english,
          ...(text ? { text } : { text: undefined }),
        };
      }
      const cancelled: Execution = {
        ...exec,
        tasks,
        status: 'Cancelled',
        statusMessage: english,
        statusText: text,
        endDate: date,
        updateDate: date,
      };
      if (await this.store.save(cancelled, '')) {
        await this.ended(cancelled);
        for (const child of await this.store.children(id))
          await this.cancel(child, msg('core:parentCancelled', { id, reason })).catch(() => undefined);
        await this.producer.notify({ kind: 'finished', executionId: id });
        const parent = waitingParent(exec);
        if (parent) await this.producer.resumeParent(parent, id);
        return cancelled;
      }
    }
    throw new InvalidStatusError(msg('core:keepsChanging', { id }));
  }

  /** CancelExecution on behalf of `user`: its starter or an admin (permissions.ts). */
  async cancelBy(id: string, user: string | undefined): Promise<Execution> {
    const exec = await this.store.get(id);
    if (!isTerminal(exec.status)) this.permissions?.checkExecution(user, 'execution.steer', exec);
    return this.cancel(id, cancelledBy(user));
  }

  /**
   * NotifyExecution's steering words on behalf of `user` (its starter or an admin): the engine
   * decides whether the word may act now (signals.ts: the mode, and the gate), then it is recorded.
   */
  async steer(
    id: string,
    user: string | undefined,
    word: SteeringWord,
    args: { taskName?: string; status?: 'Success' | 'Failed' | 'Cancelled'; note?: string } = {},
  ): Promise<void> {
    const exec = await this.store.get(id);
    if (isTerminal(exec.status)) throw new InvalidStatusError(`execution ${id} is ${exec.status}`);
    this.permissions?.checkExecution(user, 'execution.steer', exec);
    const { template } = await this.templates.runnable(exec.templateName, exec.templateVersion);
    const d = decideSignal(template, exec, word, args);
    if (d.kind === 'refused')
      throw d.reason === 'gate' ? new ApprovalGateError(d.message) : new InvalidStatusError(d.message);
    if (d.kind === 'complete') await this.complete(id, d.status, args.note);
    else await this.signal(id, d.name, d.value);
  }

  /**
   * NotifyExecution Approve at a Pause on behalf of `user`: its starter, an admin, or an approver of its open
   * ticket.
   */
  async resumeBy(id: string, user: string | undefined, approvers: string[]): Promise<void> {
    const exec = await this.store.get(id);
    this.permissions?.checkExecution(user, 'execution.resume', exec, approvers);
    await this.signal(id, 'resume');
  }

  /** NotifyExecution's word to a waiting execution: recorded, then the execution resumes. */
  async signal(id: string, name: string, value: unknown = true): Promise<void> {
    const exec = await this.store.get(id);
    if (isTerminal(exec.status)) throw new InvalidStatusError(`execution ${id} is ${exec.status}`);
    await this.store.signal(id, name, value);
    await this.producer.resume(id, name, `signal-${Date.now()}-${randomBytes(3).toString('hex')}`);
  }

  // ChildrenPort: the engine's nested runs.
  async exists(templateName: string): Promise<boolean> {
    return (await this.templates.versions(templateName)) > 0;
  }

  async startChild(req: Parameters<ChildrenPort['start']>[0]): Promise<{ id: string }> {
    const id = `exec-${createHash('sha256')
      .update(`${req.parent.id}/${req.taskExecutionId}/${req.index ?? ''}`)
      .digest('hex')
      .slice(0, 20)}`;
    if (await this.store.find(id)) return { id };
    const parent: ParentRef = {
      executionId: req.parent.id,
      taskName: req.taskName,
      taskExecutionId: req.taskExecutionId,
      index: req.index,
    };
    try {
      await this.start({
        id,
        templateName: req.templateName,
        templateVersion: req.templateVersion,
        parameters: req.parameters,
        owner: req.parent.owner,
        origin: req.parent.origin,
        mode: 'Automatic',
        loopMode: req.parent.loopMode,
        parent,
        inheritedSecrets: (req.parent.noEcho ?? []).map((n) => req.parent.parameters[n]),
      });
    } catch (err) {
      if (await this.store.find(id)) return { id }; // a concurrent retry created it
      throw err;
    }
    return { id };
  }

  async childOf(id: string): ReturnType<ChildrenPort['get']> {
    const e = await this.store.find(id);
    return e && { status: e.status, statusMessage: e.statusMessage, statusText: e.statusText, outputs: e.outputs };
  }

  /** The port the engine's actions use for children. */
  get children(): ChildrenPort {
    return { exists: (n) => this.exists(n), start: (r) => this.startChild(r), get: (id) => this.childOf(id) };
  }
}
