import type { Msg } from '../../i18n/index.js';
import type { ActionSpec } from '../../template/catalog.js';
import type { Scope } from '../../template/expressions.js';
import type { Task } from '../../template/schema.js';
import type { TimerRepeat } from '../triggers/timer.js';
import type { ActionResult, Execution, TaskRecord } from '../types.js';

/**
 * Why a ticket closed, in a word the code decides on (its `reason` is text for people):
 * `cancelled` is the ticket's execution ending first; `unresolvable` a level nobody can approve.
 */
export type CloseCode = 'approved' | 'rejected' | 'timed-out' | 'withdrawn' | 'cancelled' | 'unresolvable';

/** Approval tickets as the Approve action sees them; the worker injects the implementation. */
export interface ApprovalPort {
  /**
   * Opens the ticket of (execution, task run) once, from ACS::Approve's evaluated Properties: a task
   * run again (RetryTask, a loop back) asks afresh, a step re-run after a crash finds its ticket.
   */
  openForTask(
    execution: Execution,
    taskName: string,
    taskExecutionId: string,
    properties: Record<string, unknown>,
  ): Promise<{ id: string }>;
  status(ticketId: string): Promise<{
    status: 'AUDITING' | 'APPROVED' | 'REJECT' | 'CANCEL';
    summary: string;
    reason?: string;
    /** The reason from the catalogue, when it is: what the task's text embeds. */
    reasonText?: Msg;
    closeCode?: CloseCode;
  }>;
}

/** One Alibaba Cloud OpenAPI call (RPC style; ROA when Method/URI are given). */
export interface CloudRequest {
  service: string;
  api: string;
  parameters: Record<string, unknown>;
  regionId?: string;
  /** ROA-style APIs (a few in the corpus): HTTP method, path, headers and body. */
  method?: string;
  uri?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Alibaba Cloud OpenAPI; an API error rejects with a CloudApiError (Code and Message of the API). */
export interface CloudPort {
  call(req: CloudRequest): Promise<unknown>;
}

/** Child executions (ACS::Template, product actions, templates named as actions). */
export interface ChildrenPort {
  /** Whether a template of this name is in the store (an action that names a template). */
  exists(templateName: string): Promise<boolean>;
  /** Starts the child once for (parent task run, loop item); a second call returns the same child. */
  start(req: {
    parent: Execution;
    taskName: string;
    taskExecutionId: string;
    index?: number;
    templateName: string;
    templateVersion?: string;
    parameters: Record<string, unknown>;
  }): Promise<{ id: string }>;
  /** `statusText`: the status message from the catalogue, which a parent's message embeds. */
  get(
    id: string,
  ): Promise<
    { status: string; statusMessage?: string; statusText?: Msg; outputs?: Record<string, unknown> } | undefined
  >;
}

/** Timer triggers' schedules (BullMQ job schedulers), one per execution. */
export interface TriggerPort {
  schedule(executionId: string, repeat: TimerRepeat): Promise<void>;
  unschedule(executionId: string): Promise<void>;
}

/** Posts a WebHook as OOS's notifications do (body rendered, DingTalk robots signed and checked). */
export interface WebhookPort {
  send(req: {
    uri: string;
    headers?: Record<string, string>;
    content: unknown;
    secret?: string;
    link?: string;
  }): Promise<{ ok: true } | { ok: false; retry: boolean; message: string }>;
}

/** Side effects an action may use, injected so the engine imports no I/O library. */
export interface Ports {
  webhook: WebhookPort;
  approvals: ApprovalPort;
  triggers: TriggerPort;
  cloud: CloudPort;
  children: ChildrenPort;
  fetch: typeof globalThis.fetch;
  now(): number;
}

export interface ActionContext {
  execution: Execution;
  task: Task;
  /** The task's Properties with every expression resolved. */
  properties: Record<string, unknown>;
  /** The task's record from an earlier run of this task (after a wait or a crash). */
  record?: TaskRecord;
  /** Stable across re-runs of this task: pass it on to outside systems that deduplicate. */
  idempotencyKey: string;
  ports: Ports;
  /** NotifyExecution's words to this execution that are not yet consumed (resume, ...). */
  signals: Record<string, unknown>;
  /** The task execution this run belongs to. */
  taskExecutionId: string;
  /** In a loop: the item (ACS::TaskLoopItem) and its index. */
  loop?: { item: unknown; index: number };
}

export interface Action {
  run(ctx: ActionContext): Promise<ActionResult>;
  /** false: the action counts its own attempts (ACS::WaitFor's polls); task Retries do not repeat it. */
  retries?: false;
  /** Evaluates the task's Properties itself, when plain evaluation is not safe for it (a shell script). */
  evaluateProperties?(properties: Record<string, unknown>, scope: Scope): Promise<Record<string, unknown>>;
  /**
   * true: it acts on nothing outside the execution (no call, no message, no child, no ticket), so a
   * crash that runs it again changes nothing. The run need not be saved before such a task starts
   * (engine/step/batch.ts): a run of such tasks is saved when it ends, waits or reaches another task.
   */
  local?: true;
  /**
   * true when this run of the task only reads what an earlier run of it started (a resumed ACS::Approve
   * reads its ticket's decision): like a local task, it need not wait for the run to be saved.
   */
  readsOnly?(record: TaskRecord | undefined): boolean;
}

/**
 * A built-in action: everything about it in its one module. Its name and Properties schema (with
 * `needs` and `unsupported`) are checked when a template is stored; `run` runs its tasks.
 */
export interface BuiltinAction extends Action, ActionSpec {}
