import type { Msg } from '../i18n/index.js';
import type { Task, Template } from '../template/schema.js';
import { GATE } from './advance.js';
import { said } from './message.js';
import type { Execution } from './types.js';

/**
 * The gate rule, decided here and nowhere else: a task that comes after an approval (ACS::Approve,
 * or the approval policy's gate before the first task) runs only once that approval is APPROVED,
 * whatever the mode and whatever NotifyExecution says.
 *
 * "After" is read off the template's flow graph. Every approval is two nodes: the task itself, and
 * its approved exit, from which its success edges leave (its OnError and a false When leave from
 * the task itself: the template says where to go when it is not approved). A task is gated by an
 * approval when every path from the start to it passes the approved exit (it is dominated by it);
 * a task no path reaches is gated by every approval, so a jump or a skip cannot make a path the
 * template does not have.
 */
export type GateVerdict = { ok: true } | { ok: false; message: string; text: Msg };

const OK: GateVerdict = { ok: true };
const refuse = (...m: Parameters<typeof said>): GateVerdict => ({ ok: false, ...said(...m) });

export function isApproval(task: Pick<Task, 'Action' | 'Name'>): boolean {
  return task.Name === GATE || task.Action.toLowerCase() === 'acs::approve';
}

/** Whether a run of this template stops for an approval somewhere (so it needs people to ask). */
export function asksApproval(template: Template): boolean {
  return template.Tasks.some(isApproval);
}

interface Flow {
  tasks: Task[];
  /** Successors of each node: task i is node i, an approval's approved exit is node n + i. */
  succ: number[][];
  /** Per start task: the approvals (task indexes) that gate each task. */
  gates: Map<number, number[][]>;
}

const flows = new WeakMap<Template, Flow>();

function flowOf(template: Template): Flow {
  let flow = flows.get(template);
  if (flow) return flow;
  const tasks = template.Tasks;
  const n = tasks.length;
  const index = new Map(tasks.map((t, i) => [t.Name, i]));
  const all = tasks.map((_, i) => i);
  const END = -1;
  // A jump: a task name, ACS::NEXT (list order), ACS::END; an expression may lead anywhere.
  const target = (i: number, jump: unknown): number[] => {
    if (jump === undefined || jump === 'ACS::NEXT') return [i + 1 < n ? i + 1 : END];
    if (jump === 'ACS::END') return [END];
    if (typeof jump !== 'string' || jump.includes('{{')) return all;
    const t = index.get(jump);
    return t === undefined ? [END] : [t];
  };
  const succ: number[][] = Array.from({ length: 2 * n }, () => []);
  tasks.forEach((task, i) => {
    const gate = isApproval(task);
    const out = gate ? n + i : i;
    if (gate) succ[i]!.push(n + i);
    let onSuccess: number[];
    if (task.Action.toLowerCase() === 'acs::choice') {
      const p = (task.Properties ?? {}) as { Choices?: unknown; DefaultTask?: unknown };
      const named = Array.isArray(p.Choices)
        ? p.Choices.map((c) => (c as { NextTask?: unknown } | null)?.NextTask)
        : [p.Choices];
      onSuccess = [...named, p.DefaultTask].flatMap((j) => (j === undefined ? [] : target(i, j)));
    } else onSuccess = target(i, task.OnSuccess);
    succ[out]!.push(...onSuccess);
    if (task.OnError !== undefined) succ[i]!.push(...target(i, task.OnError));
    if (task.When !== undefined) succ[i]!.push(...target(i, 'ACS::NEXT'));
  });
  for (const s of succ) for (let k = s.length - 1; k >= 0; k--) if (s[k] === END) s.splice(k, 1);
  flow = { tasks, succ, gates: new Map() };
  flows.set(template, flow);
  return flow;
}

/** Which approvals gate each task, for runs that start at task `start` (dominators by iteration). */
function gatesFrom(flow: Flow, start: number): number[][] {
  const known = flow.gates.get(start);
  if (known) return known;
  const n = flow.tasks.length;
  const size = 2 * n;
  const preds: number[][] = Array.from({ length: size }, () => []);
  for (const [from, s] of flow.succ.entries()) for (const to of s) preds[to]!.push(from);
  const full = () => new Array<boolean>(size).fill(true);
  const dom: boolean[][] = Array.from({ length: size }, (_, v) =>
    v === start ? full().map((_, k) => k === start) : full(),
  );
  for (let changed = true; changed; ) {
    changed = false;
    for (let v = 0; v < size; v++) {
      if (v === start) continue;
      const ps = preds[v]!;
      const next = full();
      for (const p of ps) for (let k = 0; k < size; k++) next[k] = next[k]! && dom[p]![k]!;
      next[v] = true;
      if (next.some((x, k) => x !== dom[v]![k])) {
        dom[v] = next;
        changed = true;
      }
    }
  }
  const approvals = flow.tasks.flatMap((t, i) => (isApproval(t) ? [i] : []));
  const gates = flow.tasks.map((_, v) => approvals.filter((a) => a !== v && dom[v]![n + a]));
  flow.gates.set(start, gates);
  return gates;
}

function reachable(flow: Flow, from: number): Set<number> {
  const seen = new Set<number>([from]);
  for (const stack = [from]; stack.length; )
    for (const s of flow.succ[stack.pop()!]!)
      if (!seen.has(s)) {
        seen.add(s);
        stack.push(s);
      }
  return seen;
}

/** Whether an approval (by task name) is APPROVED in this execution: its latest run succeeded. */
const approved = (exec: Execution, name: string) => exec.tasks[name]?.status === 'Success';

/** The approval policy's gate, when the run has one and it is not approved yet. */
const policyOpen = (exec: Execution) => !!exec.gate && !approved(exec, GATE);

const policyMessage: Msg = { key: 'engine:policyNotApproved' };

function startIndex(template: Template, exec: Execution): number {
  const i = exec.startAt ? template.Tasks.findIndex((t) => t.Name === exec.startAt) : 0;
  return Math.max(i, 0);
}

/** Whether `taskName` may start now: every approval before it is approved. Checked before every task. */
export function mayStart(template: Template, exec: Execution, taskName: string): GateVerdict {
  if (taskName === GATE) return OK;
  if (policyOpen(exec)) return refuse('engine:taskBlocked', { task: taskName, reason: policyMessage });
  const flow = flowOf(template);
  const i = flow.tasks.findIndex((t) => t.Name === taskName);
  if (i < 0) return refuse('engine:noSuchTask', { task: taskName });
  const open = gatesFrom(flow, startIndex(template, exec))
    [i]!.map((a) => flow.tasks[a]!.Name)
    .filter((a) => !approved(exec, a));
  return open.length ? refuse('engine:taskAfterApproval', { task: taskName, approvals: open.join(', ') }) : OK;
}

/** The approvals not yet approved that the run can still reach from where it stands (that task included). */
function openAhead(template: Template, exec: Execution): number[] {
  const flow = flowOf(template);
  const from =
    exec.current === undefined || exec.current === GATE
      ? startIndex(template, exec)
      : flow.tasks.findIndex((t) => t.Name === exec.current);
  if (from < 0) return [];
  return [...reachable(flow, from)].filter(
    (v) => v < flow.tasks.length && isApproval(flow.tasks[v]!) && !approved(exec, flow.tasks[v]!.Name),
  );
}

/** Debug ExecuteTask naming `target`: it may not jump over or into what an open approval guards. */
export function mayJump(template: Template, exec: Execution, target: string): GateVerdict {
  const flow = flowOf(template);
  const t = flow.tasks.findIndex((x) => x.Name === target);
  if (t < 0) return refuse('engine:noSuchTask', { task: target });
  if (policyOpen(exec)) return refuse('engine:jumpBlocked', { task: target, reason: policyMessage });
  const n = flow.tasks.length;
  const over = openAhead(template, exec)
    .filter((a) => a !== t && reachable(flow, n + a).has(t))
    .map((a) => flow.tasks[a]!.Name);
  if (over.length) return refuse('engine:jumpOverApproval', { task: target, approvals: over.join(', ') });
  return mayStart(template, exec, target);
}

/** SkipTask (FailurePause) or CancelTask (Debug) on `taskName`: an approval is never skipped. */
export function maySkip(template: Template, exec: Execution, taskName: string): GateVerdict {
  const flow = flowOf(template);
  const i = flow.tasks.findIndex((t) => t.Name === taskName);
  if (taskName === GATE || (i >= 0 && isApproval(flow.tasks[i]!)))
    return refuse('engine:approvalNotSkippable', { task: taskName });
  if (policyOpen(exec)) return refuse('engine:skipBlocked', { task: taskName, reason: policyMessage });
  const next = flow.tasks[i + 1];
  return next ? mayStart(template, exec, next.Name) : OK;
}

/** CompleteExecution: ending a run as Success may not pass an approval it has not got. */
export function mayComplete(template: Template, exec: Execution, status: string): GateVerdict {
  if (status !== 'Success') return OK;
  if (policyOpen(exec)) return refuse('engine:completeBlocked', { reason: policyMessage });
  const open = openAhead(template, exec).map((a) => template.Tasks[a]!.Name);
  return open.length ? refuse('engine:completeBeforeApproval', { approvals: open.join(', ') }) : OK;
}
