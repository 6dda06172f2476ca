import { asText, lookup, type Scope } from './expressions.js';
import { REFERENCE } from './references.js';

/**
 * jq program text written in a template, with its `{{ }}` references turned into jq variables
 * ($__v0, ...) whose values travel beside the program as data. So a value such as
 * `a") | "INJECTED" #` is compared, selected or printed, and never read as jq code.
 * String() and JSON show the selector as written with the references filled in, for messages and
 * task records.
 */
export class JqProgram {
  constructor(
    readonly text: string,
    readonly vars: unknown[],
    private readonly shown: string,
  ) {}
  toString(): string {
    return this.shown;
  }
  toJSON(): string {
    return this.shown;
  }
}

/** Program text with no references, or computed by a function (the template's own code). */
export function literalProgram(text: string): JqProgram {
  return new JqProgram(text, [], text);
}

/**
 * Where each reference sits decides its variable's form, so that the filled-in program means what
 * pasting the text meant in OOS, without pasting: inside a string literal it is `\($__vN)` with the
 * value as text; right after a `.` (`.{{ key }}`) it is `[$__vN]`, the key; anywhere else `$__vN`,
 * with text that is a JSON literal (`3`, `["a"]`) as that JSON value, and other text as a string.
 */
export function jqProgram(source: string, scope: Scope): JqProgram {
  const vars: unknown[] = [];
  let text = '';
  let shown = '';
  // Lexer state: a stack of contexts; `code` frames count open parentheses to find the end of `\(`.
  const stack: ({ kind: 'code'; depth: number } | { kind: 'string' })[] = [{ kind: 'code', depth: 0 }];
  let comment = false;
  const scan = (chunk: string) => {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      const top = stack[stack.length - 1]!;
      if (comment) {
        if (c === '\n') comment = false;
        continue;
      }
      if (top.kind === 'string') {
        if (c === '\\') {
          if (chunk[i + 1] === '(') stack.push({ kind: 'code', depth: 1 });
          i++;
        } else if (c === '"') stack.pop();
      } else if (c === '"') stack.push({ kind: 'string' });
      else if (c === '#') comment = true;
      else if (c === '(') top.depth++;
      else if (c === ')' && --top.depth === 0 && stack.length > 1) stack.pop();
    }
  };
  let last = 0;
  for (const m of source.matchAll(REFERENCE)) {
    const before = source.slice(last, m.index);
    scan(before);
    text += before;
    shown += before;
    last = m.index + m[0].length;
    const value = lookup(m[1]!, scope);
    shown += asText(value);
    if (comment) continue;
    const name = `$__v${vars.length}`;
    if (stack[stack.length - 1]!.kind === 'string') {
      vars.push(asText(value));
      text += `\\(${name})`;
    } else if (/(^|[^.])\.\s*$/.test(text)) {
      vars.push(asText(value));
      text += `[${name}]`;
    } else {
      vars.push(typeof value === 'string' ? jsonLiteral(value) : value);
      text += ` ${name} `;
    }
  }
  const rest = source.slice(last);
  return new JqProgram(text + rest, vars, shown + rest);
}

/** Text that is one JSON value reads as that value where OOS pasted it into code (`.[{{ index }}]`). */
function jsonLiteral(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}
