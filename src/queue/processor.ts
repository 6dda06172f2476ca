import { UnrecoverableError, type Job } from 'bullmq';
import type { Ports } from '../engine/actions/types.js';
import { isTerminal } from '../engine/status.js';
import { step, type Effect, type StepEvent } from '../engine/step.js';
import type { Execution, TaskRecord } from '../engine/types.js';
import { builtinsFor } from '../engine/builtins.js';
import type { TicketTimer } from '../approval/ticket.js';
import { withLogContext, type Logger } from '../log.js';
import type { ExecutionStore } from '../store/executions.js';
import type { LoopStore } from '../store/loops.js';
import type { TemplateStore } from '../store/templates.js';
import { runItem } from './item.js';
import { runLoopTask } from './loop-driver.js';
import type { Producer, StepJob, StepJobName, StepJobs } from './producer.js';
import { evaluateOutputs, runTask, scopeOf } from './run-task.js';
import { randomHex20 } from '../ids.js';

export class HeldElsewhereError extends Error {
  constructor(id: string) {
    // i18n-exempt: a job's failure before its retry, read by operators on the queue dashboard
    super(`execution ${id} is held by another job; will retry`);
  }
}

export interface ProcessorDeps {
  executions: ExecutionStore;
  templates: TemplateStore;
  loops: LoopStore;
  producer: Producer;
  ports: Ports;
  log: Logger;
  /** A timer trigger's job fired: start its child. */
  fire(executionId: string, jobId: string): Promise<string>;
  /** A ticket's timeout, reminder or escalation. */
  ticketTimer(job: TicketTimer): Promise<string>;
  /** Tells a CreateApproval caller its decision (throws to be retried). */
  callback(ticketId: string): Promise<string>;
  /** Announces an approval level by WebHook or Mail (throws to be retried). */
  deliver(ticketId: string, level: number): Promise<string>;
  /** A run ended other than Success: close what it left open (its approval tickets). */
  ended?(exec: Execution): Promise<unknown>;
  /** A task got its final status here (metrics; must not touch Redis). */
  taskEnded?(task: TaskRecord): void;
  /** One run of the index reconcile: what it checked and repaired. */
  reconcile(): Promise<string>;
  /** One sweep of retention: what left Redis. */
  retention(): Promise<string>;
}

export const newTaskExecutionId = () => `task-exec-${randomHex20()}`;

/**
 * Step jobs: the runner of engine/step.ts. It loads the execution, asks `step` what to do, and does
 * it in order: saving (a refused save ends the job), running actions and feeding their outcome
 * back, until the execution waits, parks while a loop's items run ('item' jobs, see item.ts), or
 * ends. A job that finds the execution ended or held by another does nothing or retries:
 * duplicate and recovered jobs are harmless.
 */
export function stepProcessor(deps: ProcessorDeps) {
  const { executions, templates, producer, ports, log } = deps;
  const now = () => new Date(ports.now());

  async function drive(executionId: string, runner: string): Promise<string> {
    const read = await executions.readWithSignals(executionId);
    const found = read?.execution;
    // i18n-exempt: a job's result, read by operators on the queue dashboard as they read log lines
    if (!found || isTerminal(found.status)) return 'nothing to do';
    const { template } = await templates.runnable(found.templateName, found.templateVersion);
    const builtins = builtinsFor(found, now());
    let exec = found;
    let event: StepEvent | undefined = { kind: 'resumed', signals: read.signals };
    // A save `step` let wait (local tasks only, see engine/step/batch.ts): written with the next save,
    // or before any effect other than the local task it waits for.
    let deferred: Extract<Effect, { kind: 'save' }> | undefined;
    while (event) {
      const out = step(template, exec, event, { now: ports.now(), newId: newTaskExecutionId });
      exec = out.execution;
      event = undefined;
      for (const effect of out.effects) {
        const r = await perform(effect);
        if (typeof r === 'string') return r;
        if (r) event = r;
      }
    }
    // i18n-exempt: a broken invariant (a bug), in the job's failure for developers
    throw new Error(`step gave execution ${exec.id} nothing to wait for`);

    /** True while another job holds the execution, or once anything saved it after `version` was read. */
    async function changedSince(id: string, version: string): Promise<boolean> {
      const now = await executions.read(id);
      return now?.execution.status === 'Running' || (now !== undefined && now.version !== version);
    }

    /** One effect, after the deferred save when it may not wait past it. */
    async function perform(e: Effect): Promise<string | StepEvent | undefined> {
      if (e.kind === 'save') {
        const merged = deferred ? withDeferred(deferred, e) : e;
        deferred = merged.defer ? merged : undefined;
        return merged.defer ? undefined : performOne(merged);
      }
      if (deferred && e.kind !== 'run') {
        const r = await performOne({ ...deferred, defer: false });
        deferred = undefined;
        if (r !== undefined) return r;
      }
      return performOne(e);
    }

    /** One effect; a string ends the job with it, an event is the answer `step` asked for. */
    async function performOne(e: Effect): Promise<string | StepEvent | undefined> {
      switch (e.kind) {
        case 'save': {
          const readAt = e.claim ? read!.version : '';
          if (await executions.save(e.execution, runner, { release: e.park, readAt, records: e.records, via: e.via })) {
            for (const r of e.records ?? []) if (r.count) deps.taskEnded?.(r.record);
            return undefined;
          }
          // i18n-exempt: a job's result, for operators
          if (!e.claim) return 'lost the execution';
          // Another job is still running it, or saved it since this job read it: a resume can arrive
          // before the job that parked the execution has saved it. Retry (with backoff), reading it
          // anew, rather than lose the resume or write back what this job read.
          if (await changedSince(found!.id, read!.version)) throw new HeldElsewhereError(found!.id);
          // i18n-exempt: a job's result, for operators
          return 'nothing to do';
        }
        case 'clear-signal':
          return void (await executions.clearSignal(exec.id, e.name));
        case 'notify':
          return void (await producer.notify(e.message));
        case 'wake':
          return void (await producer.wake(exec.id, e.task, e.at));
        case 'close-tickets':
          return void (await deps.ended?.(e.execution));
        case 'resume-parent':
          return void (await producer.resumeParent(e.parent, e.childId));
        case 'run': {
          const outcome = await runTask({
            exec: e.execution,
            task: e.task,
            scope: scopeOf(e.execution, builtins),
            ports,
            record: e.record,
            signals: e.signals,
            taskExecutionId: e.record.taskExecutionId,
          });
          return { kind: 'ran', outcome, cont: e.cont };
        }
        case 'run-loop': {
          const scope = scopeOf(e.execution, builtins);
          const outcome = await runLoopTask(deps, e.execution, e.task, e.record, scope, e.signals, e.checkWhen);
          return { kind: 'ran', outcome, cont: e.cont };
        }
        case 'outputs': {
          const evaluated = await evaluateOutputs(template, scopeOf(e.execution, builtins));
          return { kind: 'outputs', ...evaluated, cont: e.cont };
        }
        case 'wait':
          // i18n-exempt: a job's result, for operators
          return `waiting at ${e.at}`;
        case 'finish':
          log.info({ executionId: exec.id, status: e.status }, 'execution ended');
          return e.status;
      }
    }
  }

  // What each kind of step job does; a name added by a newer version answers with a clear error.
  const handlers: { [K in StepJobName]: (data: StepJobs[K], job: Job<StepJob>) => Promise<string> } = {
    start: (d, job) => drive(d.executionId, job.id!),
    resume: (d, job) => drive(d.executionId, job.id!),
    wake: (d, job) => drive(d.executionId, job.id!),
    item: (d) => runItem(deps, d, now),
    fire: (d, job) => deps.fire(d.executionId, job.id!.replace(/:/g, '-')),
    'ticket-timer': (d) => deps.ticketTimer(d),
    callback: (d) => deps.callback(d.ticketId),
    deliver: (d) => deps.deliver(d.ticketId, d.level),
    reconcile: () => deps.reconcile(),
    retention: () => deps.retention(),
  };

  // Every line a job writes names its job and what it is for (execution, ticket).
  return (job: Job<StepJob>): Promise<string> => {
    const context = {
      jobId: job.id,
      executionId: executionOf(job.data),
      ticketId: 'ticketId' in job.data ? job.data.ticketId : undefined,
    };
    return withLogContext(context, () => dispatch(job.name, job.data, job));
  };

  /** Producer.add is the one place a name is given its data, so here they go together again. */
  function dispatch(name: string, data: StepJob, job: Job<StepJob>): Promise<string> {
    // i18n-exempt: a job's failure, read by operators on the queue dashboard
    if (!Object.hasOwn(handlers, name)) throw new UnrecoverableError(`unknown step job ${name}`);
    const handler = handlers[name as StepJobName] as (data: StepJob, job: Job<StepJob>) => Promise<string>;
    return handler(data, job);
  }
}

/** The execution a step job is about, when it is about one. */
export function executionOf(data: StepJob): string | undefined {
  return 'executionId' in data && data.executionId ? data.executionId : undefined;
}

/**
 * A save that waited, then the next one: the later execution, the task runs of both, and the checks of
 * the first (its claim's version, the status it recorded first).
 */
function withDeferred(
  first: Extract<Effect, { kind: 'save' }>,
  next: Extract<Effect, { kind: 'save' }>,
): Extract<Effect, { kind: 'save' }> {
  const records = [...(first.records ?? []), ...(next.records ?? [])];
  return {
    ...next,
    claim: first.claim || next.claim,
    via: first.via ?? first.execution.status,
    ...(records.length ? { records } : {}),
  };
}
