import type { ExecutionStatus, TaskStatus } from './status.js';

/** Where an execution was started, so its messages go back there. */
export interface Origin {
  platform: 'slack' | 'console' | 'api' | 'cli';
  /** Channel id on the platform (Slack channel, console channel name). */
  channel?: string;
}

export interface TaskRecord {
  status: TaskStatus;
  action: string;
  startDate: string;
  endDate?: string;
  message?: string;
  /** Declared outputs, once the task succeeded. */
  outputs?: Record<string, unknown>;
  /** What a waiting action keeps between its runs (ticket id, wake-up time). */
  data?: Record<string, unknown>;
}

export interface Execution {
  id: string;
  templateName: string;
  templateVersion: string;
  parameters: Record<string, unknown>;
  status: ExecutionStatus;
  statusMessage?: string;
  /** Name of the task to run next, or the one running or waiting; absent before the first. */
  current?: string;
  tasks: Record<string, TaskRecord>;
  outputs?: Record<string, unknown>;
  /** Directory user name of who started it. */
  owner?: string;
  origin: Origin;
  createDate: string;
  updateDate: string;
  endDate?: string;
}

/** What an action reports back to the engine. */
export type ActionResult =
  | { kind: 'success'; result: unknown }
  | { kind: 'failed'; message: string }
  | { kind: 'wait'; message: string; data?: Record<string, unknown>; resumeAt?: number }
  | { kind: 'cancel'; message: string };

/** An ActionResult after the worker selected the task's declared outputs from it. */
export type TaskOutcome =
  | { kind: 'success'; outputs: Record<string, unknown> }
  | { kind: 'skipped' }
  | Exclude<ActionResult, { kind: 'success' }>;
