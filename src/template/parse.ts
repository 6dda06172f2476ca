import { LineCounter, parseDocument, isNode, type Document, type ScalarTag, type Tags } from 'yaml';
import jsYaml from 'js-yaml';
import type { z } from 'zod';
import { TemplateInvalidError, type TemplateProblem } from '../errors.js';
import { FORMAT_VERSIONS, KNOWN_KEYS, automationSchema, stateSchema, type AnyTemplate, type Template } from './schema.js';
import { crossCheck, hint, type Problem } from './validate.js';

export type TemplateFormat = 'YAML' | 'JSON';

export interface ParsedTemplate<T extends AnyTemplate = AnyTemplate> {
  template: T;
  format: TemplateFormat;
}

export function detectFormat(content: string): TemplateFormat {
  return /^\s*[{[]/.test(content) ? 'JSON' : 'YAML';
}

/**
 * Parses a YAML or JSON template and validates it, reporting every problem at once, each with its
 * path, its line and column in the source, and a plain message.
 */
export function parseTemplate(content: string, source = 'template'): ParsedTemplate {
  const format = detectFormat(content);
  const lines = new LineCounter();
  // The YAML parser reads JSON too, and gives positions for both.
  // OOS reads YAML 1.1 (PyYAML): `Default: No` is false there, and the JSON twins of the public
  // templates say so. strict: false accepts what the spec forbids but reads unambiguously.
  const doc = parseDocument(content, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, version: '1.1', strict: false, customTags: pyyamlTags });
  let raw: unknown;
  if (!doc.errors.length) {
    raw = doc.toJS({ maxAliasCount: 100 });
  } else {
    // OOS reads YAML as PyYAML does, which also takes a multi-line quoted scalar that is less
    // indented than its key (public templates have one). js-yaml is PyYAML's port: when it reads
    // the content, so does opsgate; positions then come from what the yaml package could read.
    raw = pyyamlLoad(content);
    if (raw === undefined) {
      throw new TemplateInvalidError(doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { path: '', message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), line: pos.line, column: pos.col };
      }), source);
    }
  }
  const problems: Problem[] = [];
  const version = (raw as { FormatVersion?: unknown } | null)?.FormatVersion;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TemplateInvalidError([{ path: '', message: 'a template must be a map with FormatVersion and Tasks', line: 1, column: 1 }], source);
  }
  let template: AnyTemplate | undefined;
  if (typeof version !== 'string' || !FORMAT_VERSIONS.includes(version)) {
    problems.push({ path: ['FormatVersion'], message: version === undefined ? 'is required (OOS-2019-06-01)' : `must be OOS-2019-06-01, got ${JSON.stringify(version)}` });
  }
  const schema = version === 'OOS-2019-06-01-State' ? stateSchema : automationSchema;
  const result = schema.safeParse(raw);
  if (result.success) template = result.data;
  else problems.push(...result.error.issues.filter((i) => i.path[0] !== 'FormatVersion').flatMap((i) => zodProblems(i)));
  problems.push(...crossCheck(raw));
  if (problems.length || !template) throw new TemplateInvalidError(problems.map((p) => locate(doc, lines, p)), source);
  return { template, format };
}

/**
 * YAML 1.1 as PyYAML reads it: booleans are yes/no/on/off/true/false (not y/n, so `Y` stays text),
 * and a float needs a digit (`ValueSelector: .` is the jq program `.`).
 */
function pyyamlTags(tags: Tags): Tags {
  return tags.map((t) => {
    const tag = t as ScalarTag;
    if (typeof tag !== 'object' || !tag.test) return t;
    if (tag.tag === 'tag:yaml.org,2002:bool') {
      const isTrue = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
      const truth = tag.test.test('true') || tag.test.test('yes');
      if (!truth) return { ...tag, test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/ } as ScalarTag;
      return { ...tag, test: isTrue } as ScalarTag;
    }
    if (tag.tag === 'tag:yaml.org,2002:float') return { ...tag, test: new RegExp(`(?=.*[0-9])(?:${tag.test.source})`) } as ScalarTag;
    return t;
  });
}

function pyyamlLoad(content: string): unknown {
  try { return jsYaml.load(content, { schema: jsYaml.JSON_SCHEMA }); } catch { return undefined; }
}

/** An automation template (one that can run), or a TemplateInvalidError saying why not. */
export function parseRunnable(content: string, source = 'template'): ParsedTemplate<Template> {
  const parsed = parseTemplate(content, source);
  if (parsed.template.FormatVersion !== 'OOS-2019-06-01') {
    throw new TemplateInvalidError([{ path: 'FormatVersion', message: 'a State template is stored, not run' }], source);
  }
  return parsed as ParsedTemplate<Template>;
}

const KIND_NAMES: Record<string, string> = { string: 'text', number: 'a number', array: 'a list', object: 'a map', boolean: 'true or false', int: 'a whole number' };

function zodProblems(issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key ${key}${hint(key, KNOWN_KEYS[kindAt(path)] ?? [])}` }));
    case 'invalid_type':
      if (issue.input === undefined) return [{ path, message: 'is required' }];
      if (issue.message.startsWith('Invalid input')) return [{ path, message: `must be ${KIND_NAMES[issue.expected] ?? issue.expected}, got ${describe(issue.input)}` }];
      return [{ path, message: issue.message }];
    case 'too_small':
      if (issue.origin === 'number') return [{ path, message: issue.message.startsWith('Too small') ? `must be at least ${issue.minimum}` : issue.message }];
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: issue.message.startsWith('Invalid') ? `is not valid (${issue.message.toLowerCase()})` : issue.message }];
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return JSON.stringify(v);
}

/** Which kind of map a path points at, to suggest its known keys. */
function kindAt(path: (string | number)[]): string {
  const p = path.map((k) => (typeof k === 'number' ? '#' : k));
  const shape = p.map((k, i) => (i > 0 && (p[i - 1] === 'Parameters' || p[i - 1] === 'Outputs') ? '*' : k)).join('/');
  const kinds: Record<string, string> = {
    '': 'template', 'Parameters/*': 'parameter', 'Tasks/#': 'task', 'Tasks/#/Loop': 'loop',
    'Tasks/#/Loop/RateControl': 'rateControl', 'Tasks/#/Outputs/*': 'taskOutput',
    'Tasks/#/Loop/Outputs/*': 'loopOutput', 'Outputs/*': 'templateOutput',
  };
  return kinds[shape] ?? '';
}

function locate(doc: Document, lines: LineCounter, problem: Problem): TemplateProblem {
  const located: TemplateProblem = { path: formatPath(problem.path), message: problem.message };
  // Walk up until a node with a position is found (a missing key has none; its parent has).
  for (let n = problem.path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(problem.path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { ...located, line: pos.line, column: pos.col };
    }
  }
  return located;
}

export function formatPath(path: (string | number)[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}
