import { RE2JS } from 're2js';
import { msg, type Msg, t } from '../i18n/index.js';

/**
 * AllowedPattern as OOS applies it: the pattern matches the whole value. Values are untrusted, so
 * patterns run on RE2 (re2js: linear time, no backtracking): `^(a+)+$` cannot hang a process.
 *
 * RE2 has no lookaround. Public templates use it only at the edges, for password rules:
 * `^(?=.*[0-9])(?![a-z]+$)BODY(?<!\.|-)$`. At the edges each lookaround is a separate linear match
 * (a lookahead after the start: a prefix of the value matches; a lookbehind before the end: a suffix
 * does), so those are taken; lookaround elsewhere and backreferences are refused with a reason.
 */
export interface AllowedPattern {
  test(value: string): boolean;
}

/** Why a pattern cannot run: `message` in English, `text` from the catalogue. */
export class PatternError extends Error {
  constructor(readonly text: Msg) {
    super(t('en', text.key, text.values));
  }
}

interface Edge {
  kind: '=' | '!' | '<=' | '<!';
  body: string;
}

const cache = new Map<string, AllowedPattern>();

export function compilePattern(pattern: string): AllowedPattern {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = build(pattern);
    if (cache.size >= 1000) cache.clear(); // patterns come from templates: a few hundred at most
    cache.set(pattern, compiled);
  }
  return compiled;
}

const searches = new Map<string, AllowedPattern>();

/**
 * A pattern that finds a match anywhere in the value (criteria's `matches`), on RE2 as well:
 * lookaround and backreferences are refused, as RE2 cannot run them in linear time.
 */
export function compileSearch(pattern: string): AllowedPattern {
  let compiled = searches.get(pattern);
  if (!compiled) {
    refuseUnsupported(pattern);
    const re = re2(pattern, pattern);
    compiled = { test: (v) => re.matcher(v).find() };
    if (searches.size >= 1000) searches.clear();
    searches.set(pattern, compiled);
  }
  return compiled;
}

function build(pattern: string): AllowedPattern {
  const { body, edges } = splitEdges(pattern);
  refuseUnsupported(body);
  for (const e of edges) refuseUnsupported(e.body);
  const whole = re2(`^(?:${body})$`, pattern);
  const checks = edges.map((e) => {
    // A lookahead at the start holds when a prefix matches; a lookbehind at the end, a suffix.
    const re = re2(e.kind === '=' || e.kind === '!' ? `^(?:${e.body})` : `(?:${e.body})$`, pattern);
    const want = e.kind === '=' || e.kind === '<=';
    return (v: string) => re.matcher(v).find() === want;
  });
  return { test: (v) => whole.matches(v) && checks.every((c) => c(v)) };
}

function re2(source: string, pattern: string): RE2JS {
  try {
    return RE2JS.compile(source);
  } catch (err) {
    const why = (err as Error).message.replace(/^error parsing regexp: /, '');
    throw new PatternError(msg('template:patternNotValid', { pattern, why }));
  }
}

function refuseUnsupported(source: string): void {
  // An unescaped `(?=`-like opener, or `\1`/`\k<`, outside character classes.
  const code = stripClasses(source);
  if (/(?:^|[^\\])(?:\\\\)*\(\?<?[=!]/.test(code)) {
    throw new PatternError(msg('template:patternLookaround'));
  }
  if (/(?:^|[^\\])(?:\\\\)*\\(?:[1-9]|k<)/.test(code)) throw new PatternError(msg('template:patternBackreference'));
}

/** The source without the insides of [...] classes, where \1 is an octal escape, not a reference. */
function stripClasses(source: string): string {
  return source.replace(/\[(?:\\.|[^\]\\])*\]/g, '[]');
}

/**
 * Takes a leading `^` and trailing `$` (the match is whole anyway), then the lookaheads right at the
 * start and the lookbehinds right at the end, when the pattern has no top-level alternation.
 */
function splitEdges(pattern: string): { body: string; edges: Edge[] } {
  const groups = topLevel(pattern);
  if (!groups) return { body: pattern, edges: [] };
  let start = pattern.startsWith('^') ? 1 : 0;
  let end = endsWithAnchor(pattern) ? pattern.length - 1 : pattern.length;
  const edges: Edge[] = [];
  for (
    let g = groups.find((x) => x.open === start);
    g && /^\(\?[=!]/.test(pattern.slice(g.open));
    g = groups.find((x) => x.open === start)
  ) {
    edges.push({ kind: pattern[g.open + 2] as '=' | '!', body: pattern.slice(g.open + 3, g.close) });
    start = g.close + 1;
  }
  for (
    let g = groups.find((x) => x.close === end - 1);
    g && g.open >= start && /^\(\?<[=!]/.test(pattern.slice(g.open));
    g = groups.find((x) => x.close === end - 1)
  ) {
    edges.push({
      kind: pattern.slice(g.open + 2, g.open + 4) as '<=' | '<!',
      body: pattern.slice(g.open + 4, g.close),
    });
    end = g.open;
  }
  if (!edges.length) return { body: pattern, edges };
  return { body: pattern.slice(start, end), edges };
}

/** The top-level groups (open and close paren offsets), or undefined when there is a top-level `|`. */
function topLevel(pattern: string): { open: number; close: number }[] | undefined {
  const groups: { open: number; close: number }[] = [];
  let depth = 0;
  let open = -1;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(') {
      if (depth++ === 0) open = i;
    } else if (c === ')' && depth > 0) {
      if (--depth === 0) groups.push({ open, close: i });
    } else if (c === '|' && depth === 0) return undefined;
  }
  return groups;
}

function endsWithAnchor(pattern: string): boolean {
  if (!pattern.endsWith('$')) return false;
  let slashes = 0;
  for (let i = pattern.length - 2; i >= 0 && pattern[i] === '\\'; i--) slashes++;
  return slashes % 2 === 0;
}
