import { msg } from '../../i18n/index.js';
import { describe, fail } from './args.js';

/**
 * Eval: a one-line arithmetic/boolean expression, parsed by hand so that template text can never
 * run code. Numbers, true/false, + - * / // % ** (Python's meaning), comparisons, && || !, ().
 */

type Value = number | boolean;
interface Token {
  text: string;
  at: number;
}

const TOKEN =
  /\s*(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|[A-Za-z_]\w*|\*\*|\/\/|<=|>=|==|!=|&&|\|\||\S)/y;
const COMPARE = ['<', '<=', '>', '>=', '==', '!='];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(source); m; m = TOKEN.exec(source)) {
    tokens.push({ text: m[1]!, at: m.index + m[0].length - m[1]!.length });
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Value {
    const value = this.or();
    if (this.i < this.tokens.length) this.unexpected();
    return value;
  }

  private peek(): string | undefined {
    return this.tokens[this.i]?.text;
  }

  private unexpected(): never {
    const token = this.tokens[this.i];
    if (!token) fail('Eval', msg('functions:evalUnexpectedEnd', { source: this.source }));
    fail(
      'Eval',
      msg('functions:evalUnexpectedToken', { token: token.text, at: String(token.at), source: this.source }),
    );
  }

  private number(op: string, v: Value): number {
    if (typeof v !== 'number')
      fail('Eval', msg('functions:evalNeedsNumbers', { op, value: describe(v), source: this.source }));
    return v;
  }

  private bool(op: string, v: Value): boolean {
    if (typeof v !== 'boolean')
      fail('Eval', msg('functions:evalNeedsBooleans', { op, value: describe(v), source: this.source }));
    return v;
  }

  private or(): Value {
    let left = this.and();
    while (this.peek() === '||') {
      this.i++;
      const right = this.and();
      left = this.bool('||', left) || this.bool('||', right);
    }
    return left;
  }

  private and(): Value {
    let left = this.comparison();
    while (this.peek() === '&&') {
      this.i++;
      const right = this.comparison();
      left = this.bool('&&', left) && this.bool('&&', right);
    }
    return left;
  }

  private comparison(): Value {
    let left = this.additive();
    for (let op = this.peek(); op && COMPARE.includes(op); op = this.peek()) {
      this.i++;
      const right = this.additive();
      if (op === '==' || op === '!=') {
        left = (left === right) === (op === '==');
        continue;
      }
      const a = this.number(op, left);
      const b = this.number(op, right);
      left = op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    return left;
  }

  private additive(): Value {
    let left = this.multiplicative();
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      this.i++;
      const a = this.number(op, left);
      const b = this.number(op, this.multiplicative());
      left = op === '+' ? a + b : a - b;
    }
    return left;
  }

  private multiplicative(): Value {
    let left = this.unary();
    for (let op = this.peek(); op === '*' || op === '/' || op === '//' || op === '%'; op = this.peek()) {
      this.i++;
      const a = this.number(op, left);
      const b = this.number(op, this.unary());
      if (op === '*') {
        left = a * b;
        continue;
      }
      if (b === 0) fail('Eval', msg('functions:evalDivisionByZero', { source: this.source }));
      // Python semantics: // floors and % takes the sign of the divisor.
      left = op === '/' ? a / b : op === '//' ? Math.floor(a / b) : a - b * Math.floor(a / b);
    }
    return left;
  }

  private unary(): Value {
    const op = this.peek();
    if (op === '-' || op === '+') {
      this.i++;
      const v = this.number(op, this.unary());
      return op === '-' ? -v : v;
    }
    if (op === '!') {
      this.i++;
      return !this.bool('!', this.unary());
    }
    return this.power();
  }

  /** `**` binds tighter than a unary minus on its left and is right-associative: -2**2 is -4. */
  private power(): Value {
    const base = this.primary();
    if (this.peek() !== '**') return base;
    this.i++;
    return this.number('**', base) ** this.number('**', this.unary());
  }

  private primary(): Value {
    const token = this.tokens[this.i];
    if (!token) this.unexpected();
    if (token.text === '(') {
      this.i++;
      const value = this.or();
      if (this.peek() !== ')') this.unexpected();
      this.i++;
      return value;
    }
    if (/^(true|false)$/i.test(token.text)) {
      this.i++;
      return token.text.toLowerCase() === 'true';
    }
    if (/^\.?\d/.test(token.text)) {
      this.i++;
      return Number(token.text);
    }
    this.unexpected();
  }
}

function Eval(args: unknown): Value {
  const source = Array.isArray(args) && args.length === 1 ? args[0] : args;
  if (typeof source === 'number' && Number.isFinite(source)) return source;
  if (typeof source === 'boolean') return source;
  if (typeof source !== 'string') fail('Eval', msg('functions:expects', { what: '[expression]' }));
  const value = new Parser(source, tokenize(source)).parse();
  if (typeof value === 'number' && !Number.isFinite(value)) fail('Eval', msg('functions:evalNotFinite', { source }));
  return value;
}

export const evaluate = { Eval };
