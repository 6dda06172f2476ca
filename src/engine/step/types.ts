import type { Msg } from '../../i18n/index.js';
import type { Task } from '../../template/schema.js';
import type { ExecutionStatus } from '../status.js';
import type { Execution, ParentRef, TaskOutcome, TaskRecord } from '../types.js';

/**
 * What the runner reports after running a task's action (or driving its loop): the outcome, the
 * Properties it ran with, the signals the action used, and whether task Retries may repeat a failure
 * (the action failed by itself, and does not count its own retries as ACS::WaitFor does).
 */
export type RunOutcome = TaskOutcome & {
  properties?: Record<string, unknown>;
  consumed?: string[];
  retryable?: boolean;
};

/** What the bot process is asked to tell the chat a run was started from. */
export type ProgressMessage =
  | { kind: 'started'; executionId: string }
  /** `message` in English, `text` the same from the catalogue; both masked (the job sits in Redis). */
  | { kind: 'task'; executionId: string; task: string; status: string; message?: string; text?: Msg }
  | { kind: 'finished'; executionId: string };

/**
 * What the step function remembers between the effect that asks the runner for something (run an
 * action, evaluate the Outputs) and the event that answers it. The runner passes it back unread.
 */
export interface Continuation {
  /** The NotifyExecution words still pending in this job (those used were cleared). */
  signals: Record<string, unknown>;
  /** Debug: the task ExecuteTask jumped to in this job, which then runs without waiting again. */
  debugGo?: string;
  /** The task that ran, and whether it started afresh (not resumed from a wait). */
  task?: { name: string; fresh: boolean };
  /** After the Outputs: how the task's outcome settles (absent: the run reached its end). */
  settle?: { kind: TaskOutcome['kind']; running?: boolean; resumeAt?: number };
}

export type StepEvent =
  /**
   * A step job picked the execution up: its start, a decided vote, a child's end, a wake-up time, a
   * NotifyExecution word. They are one event: a waiting action reads what it waited for when run again.
   */
  | { kind: 'resumed'; signals: Record<string, unknown> }
  /** The action (or loop) of the `run` effect ended or waits. */
  | { kind: 'ran'; outcome: RunOutcome; cont: Continuation }
  /** The template's Outputs, evaluated (or the error that stopped them). */
  | { kind: 'outputs'; outputs?: Record<string, unknown>; error?: Msg | string; cont: Continuation };

/** A task run that ended, to keep for ListTaskExecutions; `count`: one for the metrics. */
export interface TaskRun {
  name: string;
  record: TaskRecord;
  count: boolean;
}

export type Effect =
  /**
   * Save the execution through the transition table; `park` lets go of it while it stays Running
   * (its loop items run). `claim`: the first save of the job, which takes the execution; refused, the
   * job retries when another holds it. Any other refused save means the execution was lost.
   * `records`: task runs that ended, kept for ListTaskExecutions by the same save (and `count`ed in the
   * metrics once it holds), so that whoever sees the run ended finds its tasks.
   */
  | {
      kind: 'save';
      execution: Execution;
      park: boolean;
      claim?: boolean;
      records?: TaskRun[];
      /**
       * The runner may write it with the next save instead, and must before any other effect than a
       * run: it records only local tasks (actions/types.ts `local`), and a local task comes next.
       */
      defer?: boolean;
      /** It carries saves that waited: the first status they record (the stored one must be able to move to it). */
      via?: ExecutionStatus;
    }
  /** A NotifyExecution word was used: delete it. */
  | { kind: 'clear-signal'; name: string }
  | { kind: 'notify'; message: ProgressMessage }
  /** Run the task's action (`run`) or drive its loop (`run-loop`), then answer with a `ran` event. */
  | {
      kind: 'run' | 'run-loop';
      execution: Execution;
      task: Task;
      record: TaskRecord;
      checkWhen: boolean;
      signals: Record<string, unknown>;
      cont: Continuation;
    }
  /** Evaluate the template's Outputs on this execution, then answer with an `outputs` event. */
  | { kind: 'outputs'; execution: Execution; cont: Continuation }
  /** Resume the execution at a time (ACS::Sleep, WaitFor's next poll, a task's retry). */
  | { kind: 'wake'; task: string; at: number }
  /** The run ended other than by success: close what it left open (its approval tickets). */
  | { kind: 'close-tickets'; execution: Execution }
  /** A child ended: resume the parent's task, or loop item, that waits for it. */
  | { kind: 'resume-parent'; parent: ParentRef; childId: string }
  /** The job is done: the execution waits (at a task) or ended. */
  | { kind: 'wait'; at: string | undefined }
  | { kind: 'finish'; status: ExecutionStatus };

export interface StepContext {
  /** Milliseconds since the epoch: the only clock the step function reads. */
  now: number;
  /** A new task execution id (a task started afresh). */
  newId(): string;
}

export interface StepResult {
  execution: Execution;
  effects: Effect[];
}
