import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { TemplateInvalidError, type TemplateProblem } from '../errors.js';
import { templateSchema, type Template } from './schema.js';
import { references } from './references.js';

export type TemplateFormat = 'YAML' | 'JSON';

export interface ParsedTemplate {
  template: Template;
  format: TemplateFormat;
}

/** Built-in variables that may be referenced as `{{ ACS::Name }}`. */
export const BUILTINS = new Set([
  'ACS::ExecutionId', 'ACS::RegionId', 'ACS::AccountId', 'ACS::ExecuteUser', 'ACS::TaskLoopItem',
  'ACS::CurrentUTCTime', 'ACS::CurrentDate', 'ACS::TemplateName', 'ACS::TemplateVersion',
]);
const FLOW_TARGETS = new Set(['ACS::NEXT', 'ACS::END']);

export function detectFormat(content: string): TemplateFormat {
  return /^\s*[{[]/.test(content) ? 'JSON' : 'YAML';
}

/**
 * Parses a YAML or JSON template and validates it, reporting every problem at once with its path
 * and its line and column in the source.
 */
export function parseTemplate(content: string, source = 'template'): ParsedTemplate {
  const format = detectFormat(content);
  const lines = new LineCounter();
  // The YAML parser reads JSON too, and gives positions for both.
  const doc = parseDocument(content, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    throw new TemplateInvalidError(doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { path: '', message: e.message.split('\n')[0]!, line: pos.line, column: pos.col };
    }), source);
  }
  const raw = doc.toJS({ maxAliasCount: 100 });
  const result = templateSchema.safeParse(raw);
  if (!result.success) {
    throw new TemplateInvalidError(result.error.issues.map((i) => locate(doc, lines, i.path, issueMessage(i))), source);
  }
  const problems = crossCheck(result.data).map((p) => locate(doc, lines, p.path, p.message));
  if (problems.length) throw new TemplateInvalidError(problems, source);
  return { template: result.data, format };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

function locate(doc: Document, lines: LineCounter, path: PropertyKey[], message: string): TemplateProblem {
  const keys = path.filter((k): k is string | number => typeof k !== 'symbol');
  let problem: TemplateProblem = { path: formatPath(keys), message };
  // Walk up until a node with a position is found (a missing key has none; its parent has).
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = lines.linePos(node.range[0]);
      problem = { ...problem, line: pos.line, column: pos.col };
      break;
    }
  }
  return problem;
}

export function formatPath(path: (string | number)[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** Checks the schema cannot express: unique names, jump targets, references. */
function crossCheck(t: Template): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const outputsOf = new Map<string, Set<string>>();
  t.Tasks.forEach((task, i) => {
    if (outputsOf.has(task.Name)) problems.push({ path: ['Tasks', i, 'Name'], message: `task name ${task.Name} is used twice` });
    outputsOf.set(task.Name, new Set(Object.keys(task.Outputs ?? {})));
  });
  t.Tasks.forEach((task, i) => {
    for (const key of ['OnSuccess', 'OnError'] as const) {
      const target = task[key];
      if (target !== undefined && !FLOW_TARGETS.has(target) && !outputsOf.has(target)) {
        problems.push({ path: ['Tasks', i, key], message: `${target} is not a task name, ACS::NEXT or ACS::END` });
      }
    }
  });
  const params = new Set(Object.keys(t.Parameters));
  const check = (value: unknown, base: (string | number)[]) => {
    for (const { ref, path } of references(value, base)) {
      const problem = referenceProblem(ref, params, outputsOf);
      if (problem) problems.push({ path, message: problem });
    }
  };
  t.Tasks.forEach((task, i) => {
    check(task.Properties, ['Tasks', i, 'Properties']);
    check(task.When, ['Tasks', i, 'When']);
    check(task.Loop, ['Tasks', i, 'Loop']);
  });
  check(t.Outputs, ['Outputs']);
  check(t.RamRole, ['RamRole']);
  for (const [name, p] of Object.entries(t.Parameters)) check(p.Default, ['Parameters', name, 'Default']);
  return problems;
}

function referenceProblem(ref: string, params: Set<string>, outputsOf: Map<string, Set<string>>): string | undefined {
  if (ref.startsWith('ACS::')) return BUILTINS.has(ref) ? undefined : `{{ ${ref} }}: unknown built-in variable`;
  const dot = ref.indexOf('.');
  if (dot < 0) return params.has(ref) ? undefined : `{{ ${ref} }}: no parameter named ${ref}`;
  const [task, output] = [ref.slice(0, dot), ref.slice(dot + 1)];
  const outputs = outputsOf.get(task);
  if (!outputs) return params.has(task) ? undefined : `{{ ${ref} }}: no task named ${task}`;
  return outputs.has(output) ? undefined : `{{ ${ref} }}: task ${task} has no output ${output}`;
}
