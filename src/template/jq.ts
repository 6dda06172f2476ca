import createJq from 'jq-wasm/dist/build/jq.js';
import { ExpressionError } from '../errors.js';

interface JqModule { raw(input: string, program: string, flags: string[]): Promise<string> }

/**
 * One instance of jq-wasm's Emscripten module serves about 310 successful runs; the next one
 * corrupts its memory ("memory access out of bounds", or an abort in compile.c) and every later
 * run fails. So an instance is replaced after RUNS_PER_INSTANCE runs (a new one takes ~6 ms), and
 * a run that hits a broken instance anyway is retried once on a fresh one.
 */
const RUNS_PER_INSTANCE = 200;
let instance: Promise<JqModule> | undefined;
let runs = 0;

function fresh(): Promise<JqModule> {
  runs = 0;
  instance = createJq() as Promise<JqModule>;
  return instance;
}

async function raw(input: string, program: string): Promise<string> {
  const jq = runs >= RUNS_PER_INSTANCE || !instance ? fresh() : instance;
  runs++;
  try {
    return await (await jq).raw(input, program, ['-c']);
  } catch (err) {
    if (!isBroken(err)) throw err;
    return (await fresh()).raw(input, program, ['-c']);
  }
}

/** The module's own failure (a WebAssembly trap or an Emscripten abort), not jq's answer about the program. */
function isBroken(err: unknown): boolean {
  return (err as Error)?.name === 'RuntimeError' || /^Aborted\(|memory access out of bounds/.test((err as Error)?.message ?? '');
}

/**
 * Runs a jq program over a JSON value with a real jq (jq-wasm, Emscripten's build of jq) and
 * returns every result. `what` names the caller in error messages (`ValueSelector x`, `Fn::Jq`).
 */
export async function runJq(input: unknown, program: string, what: string): Promise<unknown[]> {
  let text: string;
  // Emscripten records jq's exit status in process.exitCode (3 for a compile error), which would
  // make this whole process exit non-zero later. Keep ours.
  const exitCode = process.exitCode;
  try {
    text = await raw(JSON.stringify(input ?? null), program);
  } catch (err) {
    const message = (err as Error).message.replace(/^jq: error: /, '').split('\n')[0];
    throw new ExpressionError(`${what}: ${message}`);
  } finally {
    process.exitCode = exitCode;
  }
  return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown);
}
