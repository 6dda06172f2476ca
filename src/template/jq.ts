import { ExpressionError } from '../errors.js';
import { msg } from '../i18n/index.js';
import { JqPool, JqRunError, type JqLimits } from './jq-pool.js';
import { verbatim } from './problem.js';
import { literalProgram, type JqProgram } from './jq-program.js';

/** The limits of every jq program; the composition roots set them from the configuration. */
const DEFAULTS: JqLimits = { timeoutMs: 5000, memoryMb: 64, threads: 2, maxOutput: 8 * 1024 * 1024 };
let limits: JqLimits = DEFAULTS;
let pool: JqPool | undefined;

/** Sets the limits (OPSGATE_JQ_TIMEOUT_MS, OPSGATE_JQ_MEMORY_MB); new limits get new threads. */
export function configureJq(opts: Partial<JqLimits>): void {
  const next = { ...limits, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  if (JSON.stringify(next) === JSON.stringify(limits)) return;
  limits = next;
  const old = pool;
  pool = undefined;
  void old?.close();
}

/** The pool of the current limits, started on first use. */
function currentPool(): JqPool {
  pool ??= new JqPool(limits);
  return pool;
}

/** Starts the pool's threads ahead of the first program. */
export async function warmJq(): Promise<void> {
  await currentPool().warm();
}

/** Stops the pool's threads once their programs finish (tests, shutdown); the next program starts a new pool. */
export async function closeJq(): Promise<void> {
  const old = pool;
  pool = undefined;
  await old?.close();
}

/**
 * Runs a jq program over a JSON value with a real jq (jq-wasm, Emscripten's build of jq) on a pool
 * thread, within the time and memory limits, and returns every result. `what` names the caller in
 * error messages (`ValueSelector x`, `Fn::Jq`). The program's variables ($__v0, ...) reach jq inside
 * the input document, never as program text: `.[1] as [$__v0] | .[0] | (program)`.
 */
export async function runJq(input: unknown, program: string | JqProgram, what: string): Promise<unknown[]> {
  const p = typeof program === 'string' ? literalProgram(program) : program;
  let doc = JSON.stringify(input ?? null);
  let text = p.text;
  if (p.vars.length) {
    doc = `[${doc},${JSON.stringify(p.vars.map((v) => v ?? null))}]`;
    // The newline ends a trailing `# comment` before the closing parenthesis.
    text = `.[1] as [${p.vars.map((_, i) => `$__v${i}`).join(', ')}] | .[0] | (${text}\n)`;
  }
  let out: string;
  try {
    out = await currentPool().run(doc, text);
  } catch (err) {
    // jq's own message is its first line, without its `jq: error: ` prefix; opsgate's come from the catalogue.
    const problem =
      err instanceof JqRunError && err.text
        ? err.text
        : verbatim((err as Error).message.replace(/^jq: error: /, '').split('\n')[0]!);
    throw new ExpressionError(msg('template:jqFailed', { what, problem }));
  }
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);
}
