import {
  LineCounter,
  parseDocument,
  isMap,
  isNode,
  isScalar,
  type Document,
  type ScalarTag,
  type Tags,
  type YAMLError,
} from 'yaml';
import jsYaml from 'js-yaml';
import { TemplateInvalidError, type TemplateProblem } from '../errors.js';
import { msg, type Msg, t } from '../i18n/index.js';
import {
  FORMAT_VERSIONS,
  KNOWN_KEYS,
  automationSchema,
  stateSchema,
  type AnyTemplate,
  type Template,
} from './schema.js';
import { LimitExceeded, MAX_ALIASES, aliasesText, checkFlowDepth, checkSize, checkValue, depthText } from './limits.js';
import type { ActionCatalog } from './catalog.js';
import { type Problem, problem, verbatim, withGot } from './problem.js';
import { crossCheck } from './validate.js';
import { zodProblems } from './zod-problems.js';

export type TemplateFormat = 'YAML' | 'JSON';

export interface ParsedTemplate<T extends AnyTemplate = AnyTemplate> {
  template: T;
  format: TemplateFormat;
}

export function detectFormat(content: string): TemplateFormat {
  return /^\s*[{[]/.test(content) ? 'JSON' : 'YAML';
}

export interface ParseOptions {
  /**
   * The built-in actions, whose Properties are checked: required, so that no template is accepted
   * unchecked (engine/parse.ts binds the engine's own).
   */
  actions: ActionCatalog;
  /** Names of the templates in the store: an Action naming none of them (nor a built-in) is a problem. */
  knownTemplates?: ReadonlySet<string>;
}

/**
 * Parses a YAML or JSON template and validates it, reporting every problem at once, each with its
 * path, its line and column in the source, and a plain message.
 */
export function parseTemplate(content: string, source: string, opts: ParseOptions): ParsedTemplate {
  const format = detectFormat(content);
  // Size and flow nesting are checked on the text, before any parser runs.
  try {
    checkSize(content);
    checkFlowDepth(content);
  } catch (err) {
    throw limitError(err, source);
  }
  const lines = new LineCounter();
  // The YAML parser reads JSON too, and gives positions for both.
  // OOS reads YAML 1.1 (PyYAML): `Default: No` is false there, and the JSON twins of the public
  // templates say so. strict: false accepts what the spec forbids but reads unambiguously.
  const doc = parseDocument(content, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    version: '1.1',
    strict: false,
    customTags: pyyamlTags,
  });
  let raw: unknown;
  if (format === 'JSON') {
    // JSON is read by a JSON parser: its errors speak JSON, and it refuses what JSON refuses
    // (trailing commas) even where YAML would read it.
    try {
      raw = JSON.parse(content);
    } catch (err) {
      throw new TemplateInvalidError([jsonProblem(err as Error, content, doc, lines)], source);
    }
  } else if (!doc.errors.length) {
    try {
      raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (err) {
      // The yaml package's own guard against alias bombs (a ReferenceError) is a template problem.
      if (err instanceof ReferenceError) throw limitError(new LimitExceeded(aliasesText), source);
      throw limitError(err, source);
    }
  } else {
    // OOS reads YAML as PyYAML does, which also takes a multi-line quoted scalar that is less
    // indented than its key (public templates have one). js-yaml is PyYAML's port: when it reads
    // the content, so does opsgate; positions then come from what the yaml package could read.
    raw = pyyamlLoad(content);
    // Later errors of a YAML parser mostly follow from the first: report that one.
    if (raw === undefined) throw new TemplateInvalidError([yamlProblem(doc.errors[0]!, lines, content)], source);
  }
  // Whatever path read it, aliases (shared objects in raw), self-reference and depth are bounded
  // before zod or the cross-checks walk it.
  try {
    checkValue(raw);
  } catch (err) {
    throw limitError(err, source);
  }
  const problems: Problem[] = [];
  const version = (raw as { FormatVersion?: unknown } | null)?.FormatVersion;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TemplateInvalidError([{ ...rootProblem(msg('template:notAMap')), line: 1, column: 1 }], source);
  }
  let template: AnyTemplate | undefined;
  if (typeof version !== 'string' || !FORMAT_VERSIONS.includes(version)) {
    problems.push(
      problem(
        ['FormatVersion'],
        version === undefined
          ? msg('template:formatVersionRequired')
          : withGot(msg('template:mustBeFormatVersion'), String(JSON.stringify(version))),
      ),
    );
  }
  const schema = version === 'OOS-2019-06-01-State' ? stateSchema : automationSchema;
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) template = result.data;
  else
    problems.push(
      ...result.error.issues
        .filter((i) => i.path[0] !== 'FormatVersion')
        .flatMap((i) => zodProblems(i, (path) => KNOWN_KEYS[kindAt(path)] ?? [])),
    );
  problems.push(...crossCheck(raw, opts.actions, opts.knownTemplates));
  if (problems.length || !template)
    throw new TemplateInvalidError(
      problems.map((p) => locate(doc, lines, p)),
      source,
    );
  return { template, format };
}

/**
 * YAML 1.1 as PyYAML reads it: booleans are yes/no/on/off/true/false (not y/n, so `Y` stays text),
 * and a float needs a digit (`ValueSelector: .` is the jq program `.`).
 */
function pyyamlTags(tags: Tags): Tags {
  // Dates stay text (`EndDate: 2024-12-31`): every place OOS takes a date takes the text.
  return tags
    .filter((t) => (t as ScalarTag).tag !== 'tag:yaml.org,2002:timestamp')
    .map((t) => {
      const tag = t as ScalarTag;
      if (typeof tag !== 'object' || !tag.test) return t;
      if (tag.tag === 'tag:yaml.org,2002:bool') {
        const isTrue = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
        const truth = tag.test.test('true') || tag.test.test('yes');
        if (!truth) return { ...tag, test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/ } as ScalarTag;
        return { ...tag, test: isTrue } as ScalarTag;
      }
      if (tag.tag === 'tag:yaml.org,2002:float')
        return { ...tag, test: new RegExp(`(?=.*[0-9])(?:${tag.test.source})`) } as ScalarTag;
      return t;
    });
}

/** The yaml parser's errors that opsgate words itself; any other is shown as the parser wrote it. */
const YAML_MESSAGES: Record<string, Msg> = {
  BAD_INDENT: msg('template:yamlBadIndent'),
  TAB_AS_INDENT: msg('template:yamlTabIndent'),
  MULTILINE_IMPLICIT_KEY: msg('template:yamlKeyOnOneLine'),
  BLOCK_AS_IMPLICIT_KEY: msg('template:yamlKeyOnOneLine'),
  DUPLICATE_KEY: msg('template:yamlDuplicateKey'),
};

/** A problem of the whole template, at its root. */
function rootProblem(text: Msg): TemplateProblem {
  return { path: '', message: t('en', text.key, text.values), text };
}

/** A limit hit is a template problem at the root; anything else is rethrown as it is. */
function limitError(err: unknown, source: string): unknown {
  if (err instanceof RangeError) return new TemplateInvalidError([rootProblem(depthText)], source);
  return err instanceof LimitExceeded ? new TemplateInvalidError([rootProblem(err.text)], source) : err;
}

function yamlProblem(e: YAMLError, lines: LineCounter, content: string): TemplateProblem {
  const pos = lines.linePos(e.pos[0]);
  // The parser ran out of stack (the one RESOURCE_EXHAUSTION among a document's errors; too many
  // aliases are refused by limits.ts first): nesting deeper than any limit.
  if (e.code === 'RESOURCE_EXHAUSTION') return { ...rootProblem(depthText), line: pos.line, column: pos.col };
  const raw = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const key = /^\s*["']?([^"':\n]+)/.exec(content.slice(e.pos[0]))?.[1]?.trim();
  const missing = /^Missing closing (\S+)$/.exec(raw)?.[1];
  const text =
    e.code === 'MISSING_CHAR'
      ? missing
        ? msg('template:yamlNotClosed', { what: missing })
        : verbatim(raw)
      : e.code === 'DUPLICATE_KEY' && key
        ? msg('template:yamlKeySetTwice', { key })
        : (YAML_MESSAGES[e.code] ?? verbatim(raw));
  return { ...rootProblem(text), line: pos.line, column: pos.col };
}

function jsonProblem(err: Error, content: string, doc: Document, lines: LineCounter): TemplateProblem {
  const why = err.message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/, "[\s\S]*" is not valid JSON$/, '');
  const at = /position (\d+)/.exec(err.message);
  const offset = at ? Number(at[1]) : (doc.errors[0]?.pos[0] ?? content.length);
  const pos = lines.linePos(offset);
  return { ...rootProblem(msg('template:notValidJson', { why })), line: pos.line, column: pos.col };
}

/** The content as data, read as parseTemplate reads it, without validating; undefined when unreadable. */
export function readContent(content: string): unknown {
  if (detectFormat(content) === 'JSON') {
    try {
      return JSON.parse(content);
    } catch {
      return undefined;
    }
  }
  const doc = parseDocument(content, {
    uniqueKeys: true,
    prettyErrors: false,
    version: '1.1',
    strict: false,
    customTags: pyyamlTags,
  });
  try {
    return doc.errors.length ? pyyamlLoad(content) : doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

function pyyamlLoad(content: string): unknown {
  try {
    return jsYaml.load(content, { schema: jsYaml.JSON_SCHEMA });
  } catch {
    return undefined;
  }
}

/** An automation template (one that can run), or a TemplateInvalidError saying why not. */
export function parseRunnable(content: string, source: string, opts: ParseOptions): ParsedTemplate<Template> {
  const parsed = parseTemplate(content, source, opts);
  if (parsed.template.FormatVersion !== 'OOS-2019-06-01') {
    const text = msg('template:stateTemplateNotRun');
    throw new TemplateInvalidError([{ ...rootProblem(text), path: 'FormatVersion' }], source);
  }
  return parsed as ParsedTemplate<Template>;
}

/** Which kind of map a path points at, to suggest its known keys. */
function kindAt(path: (string | number)[]): string {
  const p = path.map((k) => (typeof k === 'number' ? '#' : k));
  const shape = p.map((k, i) => (i > 0 && (p[i - 1] === 'Parameters' || p[i - 1] === 'Outputs') ? '*' : k)).join('/');
  const kinds: Record<string, string> = {
    '': 'template',
    'Parameters/*': 'parameter',
    'Tasks/#': 'task',
    'Tasks/#/Loop': 'loop',
    'Tasks/#/Loop/RateControl': 'rateControl',
    'Tasks/#/Outputs/*': 'taskOutput',
    'Tasks/#/Loop/Outputs/*': 'loopOutput',
    'Outputs/*': 'templateOutput',
  };
  return kinds[shape] ?? '';
}

function locate(doc: Document, lines: LineCounter, found: Problem): TemplateProblem {
  const located: TemplateProblem = {
    path: formatPath(found.path),
    message: found.message,
    ...(found.text ? { text: found.text } : {}),
  };
  if (found.atKey) {
    // An unknown key is pointed at where the key is written, not at its value.
    const parent = found.path.length > 1 ? doc.getIn(found.path.slice(0, -1), true) : doc.contents;
    const key = found.path.at(-1);
    const pair = isMap(parent) ? parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key) : undefined;
    if (pair && isNode(pair.key) && pair.key.range) {
      const pos = lines.linePos(pair.key.range[0]);
      return { ...located, line: pos.line, column: pos.col };
    }
  }
  // Walk up until a node with a position is found (a missing key has none; its parent has).
  for (let n = found.path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(found.path.slice(0, n), true);
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
