import { msg, type Msg } from '../i18n/index.js';
import { actionNameProblem, propertiesProblems } from './action-problems.js';
import { approveProblems } from './approve.js';
import type { ActionCatalog } from './catalog.js';
import { compilePattern } from './pattern.js';
import { type Problem, problem, textOfError } from './problem.js';
import { scanScript, scriptNotOneString } from './shell-script.js';
import { didYouMean } from './suggest.js';
import { ACTION_NAME, KNOWN_KEYS } from './schema.js';
import { BUILTINS, STORE_REFERENCE, findName, references } from './references.js';

export type { Problem } from './problem.js';

const FLOW_TARGETS = new Set(['ACS::NEXT', 'ACS::END']);
const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

interface TaskInfo {
  name: string;
  index: number;
  outputs: Set<string>;
  raw: Record<string, unknown>;
}

/**
 * What the schema cannot say: unique task names, jump targets, and `{{ }}` references to parameters,
 * built-ins and outputs of tasks that can have run before, AllowedPatterns that run in linear time,
 * references a shell Script can take safely. Works on the raw document, tolerating parts the schema
 * rejected, so that every problem is reported at once. Actions: each is one of `actions`, a product
 * action or one of `knownTemplates` (when given), and built-ins' Properties fit their schema.
 */
export function crossCheck(raw: unknown, actions: ActionCatalog, knownTemplates?: ReadonlySet<string>): Problem[] {
  if (!isMap(raw)) return [];
  const problems: Problem[] = [];
  const tasks: TaskInfo[] = [];
  const byName = new Map<string, TaskInfo>();
  (Array.isArray(raw.Tasks) ? raw.Tasks : []).forEach((t, index) => {
    if (!isMap(t) || typeof t.Name !== 'string') return;
    const outputs = new Set([
      ...Object.keys(isMap(t.Outputs) ? t.Outputs : {}),
      ...Object.keys(isMap(t.Loop) && isMap(t.Loop.Outputs) ? t.Loop.Outputs : {}),
    ]);
    const info = { name: t.Name, index, outputs, raw: t };
    if (byName.has(t.Name))
      problems.push(
        problem(
          ['Tasks', index, 'Name'],
          msg('template:taskNameUsed', { name: t.Name, index: String(byName.get(t.Name)!.index) }),
        ),
      );
    else byName.set(t.Name, info);
    tasks.push(info);
  });

  const checkTarget = (target: unknown, path: (string | number)[], from: string) => {
    if (typeof target !== 'string') return;
    if (!FLOW_TARGETS.has(target) && !byName.has(target)) {
      const candidates = [...FLOW_TARGETS, ...[...byName.keys()].filter((n) => n !== from)];
      problems.push(problem(path, msg('template:notATarget', { target, hint: didYouMean(target, candidates) })));
    }
  };
  for (const t of tasks) {
    checkTarget(t.raw.OnSuccess, ['Tasks', t.index, 'OnSuccess'], t.name);
    checkTarget(t.raw.OnError, ['Tasks', t.index, 'OnError'], t.name);
    const p = t.raw.Properties;
    if (typeof t.raw.Action === 'string' && t.raw.Action.toLowerCase() === 'acs::choice' && isMap(p)) {
      checkTarget(p.DefaultTask, ['Tasks', t.index, 'Properties', 'DefaultTask'], t.name);
      if (Array.isArray(p.Choices))
        p.Choices.forEach((c, i) => {
          if (isMap(c)) checkTarget(c.NextTask, ['Tasks', t.index, 'Properties', 'Choices', i, 'NextTask'], t.name);
        });
    }
  }

  for (const t of tasks) {
    const action = t.raw.Action;
    // A malformed name is the schema's problem already.
    if (typeof action !== 'string' || !ACTION_NAME.test(action)) continue;
    // `Propertys:` instead of Properties is reported as an unknown key; its keys would only repeat it.
    if (t.raw.Properties === undefined && Object.keys(t.raw).some((k) => !KNOWN_KEYS.task!.includes(k))) continue;
    const unknown = actionNameProblem(actions, action, knownTemplates);
    if (unknown) problems.push(problem(['Tasks', t.index, 'Action'], unknown));
    else
      for (const p of propertiesProblems(actions, action, t.raw.Properties))
        problems.push({ ...p, path: ['Tasks', t.index, 'Properties', ...p.path] });
  }
  for (const t of tasks) {
    if (typeof t.raw.Action === 'string' && t.raw.Action.toLowerCase() === 'acs::approve' && isMap(t.raw.Properties)) {
      for (const p of approveProblems(t.raw.Properties))
        problems.push({ ...p, path: ['Tasks', t.index, 'Properties', ...p.path] });
    }
  }

  for (const t of tasks) {
    if (
      typeof t.raw.Action !== 'string' ||
      t.raw.Action.toLowerCase() !== 'opsgate::runshellscript' ||
      !isMap(t.raw.Properties)
    )
      continue;
    const script = t.raw.Properties.Script;
    const path = ['Tasks', t.index, 'Properties', 'Script'];
    if (typeof script === 'string') {
      for (const r of scanScript(script))
        if (r.placement.kind === 'refused')
          problems.push(problem(path, msg('template:scriptLine', { line: String(r.line), problem: r.placement.text })));
    } else if (!references(script).next().done) problems.push(problem(path, scriptNotOneString));
  }

  const canRunBefore = reachability(tasks, byName);
  const params = Object.keys(isMap(raw.Parameters) ? raw.Parameters : {});
  const check = (value: unknown, base: (string | number)[], at?: TaskInfo) => {
    for (const { ref, path } of references(value, base)) {
      const text = referenceProblem(ref, params, byName, at, canRunBefore);
      if (text) problems.push(problem(path, text));
    }
  };
  for (const t of tasks) {
    for (const key of ['Properties', 'When', 'Loop', 'Outputs', 'Retries', 'Delay'] as const)
      check(t.raw[key], ['Tasks', t.index, key], t);
  }
  check(raw.Outputs, ['Outputs']);
  check(raw.RamRole, ['RamRole']);
  if (isMap(raw.Parameters)) {
    for (const [name, p] of Object.entries(raw.Parameters))
      if (isMap(p)) check(p.Default, ['Parameters', name, 'Default']);
    // An AllowedPattern that cannot run in linear time is refused now, not when someone starts a run.
    for (const [name, p] of Object.entries(raw.Parameters)) {
      if (!isMap(p) || typeof p.AllowedPattern !== 'string') continue;
      try {
        compilePattern(p.AllowedPattern);
      } catch (err) {
        problems.push(problem(['Parameters', name, 'AllowedPattern'], textOfError(err)));
      }
    }
  }
  return problems;
}

function referenceProblem(
  ref: string,
  params: string[],
  tasks: Map<string, TaskInfo>,
  at: TaskInfo | undefined,
  canRunBefore: (from: TaskInfo, to: TaskInfo) => boolean,
): Msg | undefined {
  if (STORE_REFERENCE.test(ref)) return undefined;
  if (/^acs::/i.test(ref))
    return findName(BUILTINS, ref)
      ? undefined
      : msg('template:unknownBuiltin', { ref, hint: didYouMean(ref, BUILTINS) });
  if (ref === '') return msg('template:emptyReference');
  const dot = ref.indexOf('.');
  const head = dot < 0 ? ref : ref.slice(0, dot);
  const taskName = dot < 0 ? undefined : findName(tasks.keys(), head);
  if (taskName === undefined) {
    if (findName(params, head)) return undefined;
    return msg('template:noParameterNamed', {
      ref,
      orTask: dot < 0 ? 'no' : 'yes',
      head,
      hint: didYouMean(head, [...params, ...(dot < 0 ? [] : tasks.keys())]),
    });
  }
  const task = tasks.get(taskName)!;
  const output = ref.slice(dot + 1);
  if (!findName(task.outputs, output)) {
    const outputs = task.outputs.size ? msg('template:itHas', { names: [...task.outputs].join(', ') }) : '';
    return msg('template:noOutput', { ref, task: taskName, output, outputs });
  }
  if (at && !canRunBefore(task, at)) return msg('template:cannotHaveRun', { ref, task: taskName, at: at.name });
  return undefined;
}

/** Which tasks can run after which, following list order, OnSuccess, OnError, When and ACS::Choice. */
function reachability(tasks: TaskInfo[], byName: Map<string, TaskInfo>): (from: TaskInfo, to: TaskInfo) => boolean {
  const next = (t: TaskInfo, target: unknown): TaskInfo[] => {
    if (target === 'ACS::END') return [];
    if (typeof target === 'string' && target !== 'ACS::NEXT') return byName.has(target) ? [byName.get(target)!] : [];
    const n = tasks.find((x) => x.index > t.index);
    return n ? [n] : [];
  };
  const edges = new Map<TaskInfo, TaskInfo[]>();
  for (const t of tasks) {
    const out = [...next(t, t.raw.OnSuccess)];
    if (t.raw.OnError !== undefined) out.push(...next(t, t.raw.OnError));
    if (t.raw.When !== undefined) out.push(...next(t, 'ACS::NEXT'));
    const p = t.raw.Properties;
    if (typeof t.raw.Action === 'string' && t.raw.Action.toLowerCase() === 'acs::choice' && isMap(p)) {
      out.push(...next(t, p.DefaultTask));
      if (Array.isArray(p.Choices)) for (const c of p.Choices) if (isMap(c)) out.push(...next(t, c.NextTask));
    }
    edges.set(t, out);
  }
  const reach = new Map<TaskInfo, Set<TaskInfo>>();
  return (from, to) => {
    let seen = reach.get(from);
    if (!seen) {
      seen = new Set();
      const stack = [...(edges.get(from) ?? [])];
      while (stack.length) {
        const t = stack.pop()!;
        if (seen.has(t)) continue;
        seen.add(t);
        stack.push(...(edges.get(t) ?? []));
      }
      reach.set(from, seen);
    }
    return seen.has(to);
  };
}

export { closest, didYouMean } from './suggest.js';
