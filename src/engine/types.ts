import { type Locale, type Msg, render } from '../i18n/index.js';
import type { Platform } from '../config/platforms.js';
import type { Said } from './message.js';
import type { ExecutionStatus, TaskStatus } from './status.js';

/** Where an execution was started, so its messages go back there. */
export interface Origin {
  platform: Platform;
  /** Channel id on the platform (Slack channel, console channel name). */
  channel?: string;
  /** The language and zone of the channel's messages: those of who started it (config/reader.ts). */
  locale?: Locale;
  timeZone?: string;
}

/**
 * A message in the reader's language: its catalogue text, else the English it was stored with. The
 * English is the authority: a text that no longer says it (left by a writer that set only the
 * English, such as a cancel by hand) is not shown.
 */
function messageIn(message: string | undefined, text: Msg | undefined, locale: Locale): string | undefined {
  if (!text || message === undefined) return message;
  if (locale === 'en') return message;
  return render(text, 'en') === message ? render(text, locale) : message;
}

/** A task's message in the reader's language (see messageIn). */
export function taskMessageIn(task: Pick<TaskRecord, 'message' | 'text'>, locale: Locale): string | undefined {
  return messageIn(task.message, task.text, locale);
}

/** A run's status message in the reader's language (as taskMessageIn). */
export function statusMessageIn(
  exec: Pick<Execution, 'statusMessage' | 'statusText'>,
  locale: Locale,
): string | undefined {
  return messageIn(exec.statusMessage, exec.statusText, locale);
}

/** Whether the run's progress has somewhere to go: a chat channel where it was started. */
export function postsProgress(o: Origin): boolean {
  return !!o.channel && o.platform !== 'api' && o.platform !== 'cli';
}

export interface TaskRecord {
  taskExecutionId: string;
  status: TaskStatus;
  action: string;
  startDate: string;
  endDate?: string;
  /** In English, as the OOS API answers it; `text` is the same from the catalogue, for other readers. */
  message?: string;
  text?: Msg;
  /** Declared outputs, once the task succeeded. */
  outputs?: Record<string, unknown>;
  /** What a waiting action keeps between its runs (ticket id, wake-up time). */
  data?: Record<string, unknown>;
  /** The resolved Properties the task ran with. */
  properties?: Record<string, unknown>;
  /** A loop task's counts. */
  loop?: { Total: number; Success: number; Failed: number };
}

export type ExecutionMode = 'Automatic' | 'Debug' | 'FailurePause';

/** Where a child execution reports its end: the parent's task (and loop item) waiting for it. */
export interface ParentRef {
  executionId: string;
  taskName: string;
  taskExecutionId: string;
  index?: number;
  /** A trigger's child: its end does not resume the parent, which keeps waiting for the next. */
  detached?: boolean;
}

export interface Execution {
  id: string;
  templateName: string;
  templateVersion: string;
  parameters: Record<string, unknown>;
  /** Names of its NoEcho parameters, recorded at start: what engine/mask.ts hides wherever shown. */
  noEcho?: string[];
  status: ExecutionStatus;
  /** In English, as the OOS API answers it; `statusText` is the same from the catalogue. */
  statusMessage?: string;
  statusText?: Msg;
  /** Name of the task to run next, or the one running or waiting; absent before the first. */
  current?: string;
  tasks: Record<string, TaskRecord>;
  outputs?: Record<string, unknown>;
  /** Directory user name of who started it. */
  owner?: string;
  origin: Origin;
  mode: ExecutionMode;
  loopMode?: string;
  description?: string;
  tags?: Record<string, string>;
  parent?: ParentRef;
  children?: string[];
  /** A trigger's child starts after the trigger task, with the trigger task's outputs. */
  startAt?: string;
  /** The region of {{ ACS::RegionId }}. */
  regionId?: string;
  /** An approval policy's ACS::Approve Properties, run before the first task (see config/policies.ts). */
  gate?: Record<string, unknown>;
  /** Mode FailurePause: a task failed and the execution waits for RetryTask or SkipTask. */
  pausedOnFailure?: boolean;
  createDate: string;
  updateDate: string;
  endDate?: string;
}

/**
 * What an action reports back to the engine. A wait frees the worker: with resumeAt the worker
 * wakes the task then; without, something else resumes it (a vote, a child's end, a signal).
 * `running` keeps the execution Running while it waits (a loop's items are under way). A message is
 * its English and, from the catalogue, its text (message.ts: `said`).
 */
export type ActionResult =
  | { kind: 'success'; result: unknown; next?: string }
  | ({ kind: 'failed' } & Said)
  | ({ kind: 'wait'; data?: Record<string, unknown>; resumeAt?: number; running?: boolean } & Said)
  | ({ kind: 'cancel' } & Said);

/** An ActionResult after the worker selected the task's declared outputs from it. */
export type TaskOutcome =
  | { kind: 'success'; outputs: Record<string, unknown>; next?: string; loop?: TaskRecord['loop'] }
  | { kind: 'skipped' }
  | ({ kind: 'failed'; loop?: TaskRecord['loop'] } & Said)
  | Exclude<ActionResult, { kind: 'success' } | { kind: 'failed' }>;
