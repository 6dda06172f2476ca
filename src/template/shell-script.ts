import { ExpressionError } from '../errors.js';
import { msg, type Msg, t } from '../i18n/index.js';
import { joined } from './problem.js';
import { REFERENCE } from './references.js';

/**
 * `{{ }}` in an Opsgate::RunShellScript Script. A value never becomes shell code: each reference's
 * value goes to the script as an environment variable (OPSGATE_ARG_1, ...) and the reference is
 * replaced by an expansion of that variable, which the shell never parses again. The rule:
 *
 * - a word of its own, or part of one (`echo {{ x }}`, `--name={{ x }}`), also inside `$(...)`:
 *   `"${OPSGATE_ARG_n}"` (quoted: no splitting, no globbing);
 * - inside double quotes, or in the body of an unquoted here-document (`<<EOF`):
 *   `${OPSGATE_ARG_n}`;
 * - in a comment: `${OPSGATE_ARG_n}` (never runs);
 * - refused, with how to write it instead: inside single quotes and quoted here-documents (`<<'EOF'`),
 *   where nothing expands; inside backticks (their text is parsed again: use `$(...)`); inside
 *   `${...}` and `$((...))`, where a value would be a pattern or arithmetic (bash evaluates
 *   `a[$(cmd)]` there).
 *
 * A script that runs a value itself (`eval`, `sh -c "$x"`) is its author's choice and not seen here.
 * The lexer follows POSIX sh quoting; where it could be wrong (a `case` pattern's `)` inside `$(...)`),
 * the worst outcome is a refused or literal reference: the value is never in the script's text.
 */
export const ARG_VARIABLE = /^OPSGATE_ARG_\d+$/;

/** A refused reference says why: `message` in English, `text` from the catalogue. */
export type Placement = { kind: 'quoted' | 'bare' } | { kind: 'refused'; message: string; text: Msg };

export interface ScriptReference {
  ref: string;
  start: number;
  end: number;
  line: number;
  placement: Placement;
}

type Frame = 'cmd' | 'sub' | 'dq' | 'sq' | 'bq' | 'param' | 'arith';
interface Heredoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

/** How to pass the value instead: as an Env variable (the snippet is code, the same in every language). */
const envAdvice = (ref: string) => msg('template:scriptEnvAdvice', { env: `Env: { VALUE: '{{ ${ref} }}' }` });

const refused = (text: Msg): Placement => ({ kind: 'refused', message: t('en', text.key, text.values), text });

function refusal(stack: Frame[], ref: string): Placement | undefined {
  if (stack.includes('bq')) return refused(msg('template:scriptInBackticks', { ref }));
  if (stack.includes('param')) return refused(msg('template:scriptInParameter', { ref, advice: envAdvice(ref) }));
  if (stack.includes('arith')) return refused(msg('template:scriptInArithmetic', { ref, advice: envAdvice(ref) }));
  if (stack.at(-1) === 'sq') {
    const quoted = `'...'"{{ ${ref} }}"'...'`;
    return refused(msg('template:scriptInSingleQuotes', { ref, quoted, advice: envAdvice(ref) }));
  }
  return undefined;
}

/** Every reference of a Script with where it stands and what it becomes. */
export function scanScript(script: string): ScriptReference[] {
  const found: ScriptReference[] = [];
  const refAt = new Map<number, { ref: string; end: number }>();
  for (const m of script.matchAll(REFERENCE)) refAt.set(m.index, { ref: m[1]!, end: m.index + m[0].length });
  let line = 1;
  const take = (i: number, placement: Placement) => {
    const r = refAt.get(i)!;
    found.push({ ref: r.ref, start: i, end: r.end, line, placement });
    return r.end;
  };

  const stack: Frame[] = ['cmd'];
  const pending: Heredoc[] = [];
  let wordStart = true; // `#` starts a comment only at the start of a word
  let i = 0;
  while (i < script.length) {
    const top = stack.at(-1)!;
    const c = script[i]!;
    if (refAt.has(i)) {
      const refused = refusal(stack, refAt.get(i)!.ref);
      i = take(i, refused ?? { kind: top === 'dq' ? 'bare' : 'quoted' });
      wordStart = false;
      continue;
    }
    if (c === '\n') line++;
    if (top === 'sq') {
      if (c === "'") stack.pop();
      i++;
      continue;
    }
    if (c === '\\') {
      if (script[i + 1] === '\n') line++;
      i += 2;
      wordStart = false;
      continue;
    }
    if (top === 'dq' && c === '"') {
      stack.pop();
      i++;
      continue;
    }
    if (top === 'bq' && c === '`') {
      stack.pop();
      i++;
      continue;
    }
    if (c === '$' && (script.startsWith('$((', i) || script[i + 1] === '{')) {
      // ${...} and $((...)) as a whole: every reference inside is refused.
      const close = matchingParen(script, i + 1, script.length);
      const what: Frame = script[i + 1] === '{' ? 'param' : 'arith';
      for (let k = i; k < close; k++) {
        const r = refAt.get(k);
        if (r) {
          take(k, refusal([...stack, what], r.ref)!);
          k = r.end - 1;
        } else if (script[k] === '\n') line++;
      }
      i = close + 1;
      wordStart = false;
      continue;
    }
    if (c === '$' && script[i + 1] === '(') {
      stack.push('sub');
      i += 2;
      wordStart = true;
      continue;
    }
    if (c === '`' && top !== 'bq') {
      stack.push('bq');
      i++;
      wordStart = true;
      continue;
    }
    if (top === 'dq') {
      i++;
      continue;
    }
    // cmd, sub, bq: the shell's own syntax.
    if (c === "'") {
      stack.push('sq');
      i++;
      wordStart = false;
      continue;
    }
    if (c === '"') {
      stack.push('dq');
      i++;
      wordStart = false;
      continue;
    }
    if (c === ')' && top === 'sub') {
      stack.pop();
      i++;
      wordStart = false;
      continue;
    }
    if (c === '#' && wordStart) {
      while (i < script.length && script[i] !== '\n') {
        if (refAt.has(i)) i = take(i, { kind: 'bare' });
        else i++;
      }
      continue;
    }
    if (c === '<' && script.startsWith('<<<', i)) {
      i += 3;
      wordStart = true;
      continue;
    } // bash here-string: a word
    if (c === '<' && script.startsWith('<<', i)) {
      i = heredocOperator(script, i + 2, pending);
      wordStart = true;
      continue;
    }
    if (c === '\n' && pending.length && top !== 'bq') {
      i = heredocBodies(
        script,
        i + 1,
        pending.splice(0),
        refAt,
        (at, placement) => take(at, placement),
        () => line++,
      );
      wordStart = true;
      continue;
    }
    wordStart = /[\s;&|()<>]/.test(c);
    i++;
  }
  return found;
}

/** Reads `<<[-] WORD` from after `<<`; a WORD with any quoting makes the body literal. */
function heredocOperator(script: string, from: number, pending: Heredoc[]): number {
  let i = from;
  const stripTabs = script[i] === '-';
  if (stripTabs) i++;
  while (script[i] === ' ' || script[i] === '\t') i++;
  let word = '';
  let quoted = false;
  while (i < script.length && !/[\s;&|()<>]/.test(script[i]!)) {
    const c = script[i]!;
    if (c === "'" || c === '"') {
      quoted = true;
      const close = script.indexOf(c, i + 1);
      const end = close < 0 ? script.length : close;
      word += script.slice(i + 1, end);
      i = end + 1;
    } else if (c === '\\') {
      quoted = true;
      word += script[i + 1] ?? '';
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  if (word) pending.push({ delimiter: word, quoted, stripTabs });
  return i;
}

/**
 * Reads the bodies of the here-documents opened on the line just ended. An unquoted body expands
 * like double quotes (without the quotes): `$(...)` inside it is a script of its own.
 */
function heredocBodies(
  script: string,
  from: number,
  docs: Heredoc[],
  refAt: Map<number, { ref: string; end: number }>,
  take: (at: number, placement: Placement) => number,
  newline: () => void,
): number {
  let i = from;
  for (const doc of docs) {
    for (;;) {
      if (i >= script.length) return i;
      const eol = script.indexOf('\n', i);
      const end = eol < 0 ? script.length : eol;
      const text = script.slice(i, end);
      if ((doc.stripTabs ? text.replace(/^\t+/, '') : text) === doc.delimiter) {
        newline();
        i = end + 1;
        break;
      }
      if (doc.quoted) {
        for (let j = i; j < end; j++) {
          const r = refAt.get(j);
          if (r) {
            const text = msg('template:scriptInQuotedHeredoc', {
              ref: r.ref,
              delimiter: doc.delimiter,
              advice: envAdvice(r.ref),
            });
            take(j, refused(text));
            j = r.end - 1;
          }
        }
      } else {
        // The body as double-quoted text, with `"` not special: each `$(...)` is lexed as a script.
        for (let j = i; j < end; ) {
          if (refAt.has(j)) {
            j = take(j, { kind: 'bare' });
            continue;
          }
          if (script[j] === '\\') {
            j += 2;
            continue;
          }
          if (script.startsWith('$(', j) && !script.startsWith('$((', j)) {
            const close = matchingParen(script, j + 1, end);
            for (const r of scanScript(script.slice(j + 2, close))) take(j + 2 + r.start, r.placement);
            j = close + 1;
            continue;
          }
          if (script[j] === '`' || script.startsWith('${', j) || script.startsWith('$((', j)) {
            const what = script[j] === '`' ? 'bq' : script[j + 1] === '{' ? 'param' : 'arith';
            const close = what === 'bq' ? script.indexOf('`', j + 1) : matchingParen(script, j + 1, end);
            const stop = close < 0 || close > end ? end : close;
            for (let k = j; k < stop; k++) {
              const r = refAt.get(k);
              if (r) {
                take(k, refusal([what], r.ref)!);
                k = r.end - 1;
              }
            }
            j = stop + 1;
            continue;
          }
          j++;
        }
      }
      newline();
      i = end + 1;
    }
  }
  return i;
}

/** The offset of the bracket closing the one at `open` (`(` or `{`), or `limit` when none does. */
function matchingParen(script: string, open: number, limit: number): number {
  const o = script[open]!;
  const c = o === '(' ? ')' : '}';
  let depth = 0;
  for (let j = open; j < limit; j++) {
    if (script[j] === '\\') {
      j++;
      continue;
    }
    if (script[j] === o) depth++;
    else if (script[j] === c && --depth === 0) return j;
  }
  return limit;
}

/** A Script whose references cannot be placed safely: an expression problem of its task. */
export class ShellScriptError extends ExpressionError {}

/** A Script written with Fn:: functions cannot have its references placed. */
export const scriptNotOneString = msg('template:scriptNotOneString');
/** The same, in English (what a task's message says). */
export const SCRIPT_NOT_ONE_STRING = t('en', scriptNotOneString.key);

/**
 * The script to run and its variables: each reference becomes an expansion of OPSGATE_ARG_n, whose
 * value is the reference's (strings as they are, anything else as JSON). Throws ShellScriptError
 * naming every reference that cannot be placed safely.
 */
export function bindScript(
  script: string,
  valueOfRef: (ref: string) => unknown,
): { script: string; env: Record<string, string> } {
  const refs = scanScript(script);
  const refusedRefs = refs.flatMap((r) =>
    r.placement.kind === 'refused'
      ? [msg('template:scriptRefusedLine', { line: String(r.line), problem: r.placement.text })]
      : [],
  );
  if (refusedRefs.length) throw new ShellScriptError(joined(refusedRefs, 'template:twoClauses'));
  const env: Record<string, string> = {};
  let out = '';
  let at = 0;
  refs.forEach((r, n) => {
    const name = `OPSGATE_ARG_${n + 1}`;
    const v = valueOfRef(r.ref);
    const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
    if (text.includes('\0')) throw new ShellScriptError(msg('template:scriptValueHoldsNul', { ref: r.ref }));
    env[name] = text;
    out += script.slice(at, r.start) + (r.placement.kind === 'quoted' ? `"\${${name}}"` : `\${${name}}`);
    at = r.end;
  });
  return { script: out + script.slice(at), env };
}
