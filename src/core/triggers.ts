import { createHash } from 'node:crypto';
import { msg, t } from '../i18n/index.js';
import { jumpTarget } from '../engine/advance.js';
import type { TriggerPort } from '../engine/actions/types.js';
import { matchesAlarm, matchesEvent } from '../engine/triggers/event.js';
import type { TimerRepeat } from '../engine/triggers/timer.js';
import type { Execution } from '../engine/types.js';
import { InvalidStatusError, ParameterError } from '../errors.js';
import type { Producer } from '../queue/producer.js';
import type { ExecutionStore } from '../store/executions.js';
import type { TemplateStore } from '../store/templates.js';
import { select } from '../template/selector.js';
import type { Task } from '../template/schema.js';
import type { Executions } from './executions.js';

const KINDS: Record<string, 'Timer' | 'Event' | 'Alarm'> = {
  'acs::timertrigger': 'Timer',
  'acs::eventtrigger': 'Event',
  'acs::alarmtrigger': 'Alarm',
};

export interface TriggerRecord {
  time: string;
  type: string;
  status: 'Started' | 'Ignored';
  childExecutionId?: string;
  reason?: string;
}

/**
 * Trigger executions: the parent waits at its trigger task; each firing (a timer's job, or a
 * TriggerExecution message that matches the trigger's filters) starts a child execution of the
 * tasks after the trigger, with the trigger task's outputs selected from the message.
 */
export class Triggers implements TriggerPort {
  constructor(
    private readonly executions: Executions,
    private readonly store: ExecutionStore,
    private readonly templates: TemplateStore,
    private readonly producer: Producer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async schedule(executionId: string, repeat: TimerRepeat): Promise<void> {
    await this.producer.steps.upsertJobScheduler(`timer-${executionId}`, repeat, {
      name: 'fire',
      data: { executionId },
    });
  }

  async unschedule(executionId: string): Promise<void> {
    await this.producer.steps.removeJobScheduler(`timer-${executionId}`);
  }

  /** The trigger task an execution waits at, with its type. */
  private async waitingTrigger(
    exec: Execution,
  ): Promise<{ task: Task; kind: 'Timer' | 'Event' | 'Alarm' } | undefined> {
    const rec = exec.current ? exec.tasks[exec.current] : undefined;
    const kind = rec ? KINDS[rec.action.toLowerCase()] : undefined;
    if (exec.status !== 'Waiting' || !rec || rec.status !== 'Waiting' || !kind) return undefined;
    const { template } = await this.templates.runnable(exec.templateName, exec.templateVersion);
    const task = template.Tasks.find((t) => t.Name === exec.current);
    return task && { task, kind };
  }

  /** A timer's job fired: one child, its id derived from the job so a retried job starts no other. */
  async fire(executionId: string, jobId: string): Promise<string> {
    const exec = await this.store.find(executionId);
    const trigger = exec && (await this.waitingTrigger(exec));
    if (!exec || !trigger || trigger.kind !== 'Timer') {
      await this.unschedule(executionId);
      // i18n-exempt: the timer job's result, read in the queue dashboard and logs
      return 'no timer waits';
    }
    return (await this.startChild(exec, trigger.task, {}, `timer/${jobId}`, 'Timer')).childExecutionId ?? 'ignored';
  }

  /** TriggerExecution: feeds a message body to a waiting Event, Alarm or Timer trigger. */
  async trigger(
    executionId: string,
    type: 'Event' | 'Alarm' | 'Timer',
    content: string,
    clientToken?: string,
  ): Promise<TriggerRecord> {
    const exec = await this.store.get(executionId);
    const trigger = await this.waitingTrigger(exec);
    if (!trigger) throw new InvalidStatusError(msg('core:notAtTrigger', { id: executionId }));
    if (trigger.kind !== type)
      throw new ParameterError(msg('core:wrongTriggerType', { id: executionId, kind: trigger.kind, type }));
    let body: unknown;
    try {
      body = JSON.parse(content);
    } catch {
      throw new ParameterError(msg('core:triggerContentNotJson'));
    }
    if (clientToken && !(await this.store.claimTriggerToken(executionId, clientToken))) {
      const reason = t('en', 'core:clientTokenUsed'); // a TriggerRecord, as the API answers it: English
      return { time: this.now().toISOString(), type, status: 'Ignored', reason };
    }
    const props = exec.tasks[trigger.task.Name]!.properties ?? {};
    const match =
      type === 'Event' ? matchesEvent(props, body) : type === 'Alarm' ? matchesAlarm(props, body) : { match: true };
    if (!match.match) {
      const record: TriggerRecord = { time: this.now().toISOString(), type, status: 'Ignored', reason: match.reason };
      await this.store.logTrigger(executionId, record);
      return record;
    }
    const outputs: Record<string, unknown> = {};
    for (const [name, out] of Object.entries(trigger.task.Outputs ?? {})) {
      if (typeof out.ValueSelector === 'string') outputs[name] = await select(body, out.ValueSelector, out.Type);
    }
    const key = clientToken
      ? `token/${clientToken}`
      : `message/${createHash('sha256').update(content).digest('hex')}/${this.now().getTime()}`;
    return this.startChild(exec, trigger.task, outputs, key, type);
  }

  private async startChild(
    exec: Execution,
    task: Task,
    outputs: Record<string, unknown>,
    key: string,
    type: string,
  ): Promise<TriggerRecord> {
    const { template } = await this.templates.runnable(exec.templateName, exec.templateVersion);
    const rec = exec.tasks[task.Name]!;
    const startAt = jumpTarget(template, task, task.OnSuccess);
    const id = `exec-${createHash('sha256').update(`${exec.id}/${key}`).digest('hex').slice(0, 20)}`;
    const record: TriggerRecord = { time: this.now().toISOString(), type, status: 'Started', childExecutionId: id };
    if (!(await this.store.find(id))) {
      await this.executions.start({
        id,
        templateName: exec.templateName,
        templateVersion: exec.templateVersion,
        parameters: exec.parameters,
        owner: exec.owner,
        origin: exec.origin,
        mode: 'Automatic',
        loopMode: exec.loopMode,
        startAt,
        parent: { executionId: exec.id, taskName: task.Name, taskExecutionId: rec.taskExecutionId, detached: true },
        seedOutputs: { [task.Name]: outputs },
      });
      await this.store.logTrigger(exec.id, record);
    }
    return record;
  }
}
