import createJq from 'jq-wasm/dist/build/jq.js';

interface JqModule {
  raw(input: string, program: string, flags: string[]): Promise<string>;
}

/**
 * One instance of jq-wasm's Emscripten module serves about 310 successful runs; the next one
 * corrupts its memory ("memory access out of bounds", or an abort in compile.c) and every later
 * run fails. So an instance is replaced after RUNS_PER_INSTANCE runs (a new one takes ~6 ms), and
 * a run that hits a broken instance anyway is retried once on a fresh one.
 * This runs inside a jq thread (jq-thread.ts); the bench also runs it in-process as its anchor.
 */
const RUNS_PER_INSTANCE = 200;
let instance: Promise<JqModule> | undefined;
let runs = 0;

function fresh(): Promise<JqModule> {
  runs = 0;
  instance = createJq() as Promise<JqModule>;
  return instance;
}

/** Loads the module ahead of the first run (a thread does this while it starts). */
export async function warm(): Promise<void> {
  await (instance ?? fresh());
}

/** jq's compact output for one input text and program; jq's own error message is thrown as is. */
export async function rawJq(input: string, program: string): Promise<string> {
  // Emscripten records jq's exit status in process.exitCode (3 for a compile error), which would
  // make the process exit non-zero later. Keep ours.
  const exitCode = process.exitCode;
  try {
    const jq = runs >= RUNS_PER_INSTANCE || !instance ? fresh() : instance;
    runs++;
    try {
      return await (await jq).raw(input, program, ['-c']);
    } catch (err) {
      if (!isBroken(err)) throw err;
      return await (await fresh()).raw(input, program, ['-c']);
    }
  } catch (err) {
    // A run that broke its instance leaves it unusable: the next run starts a fresh one.
    if (isBroken(err)) instance = undefined;
    throw err;
  } finally {
    process.exitCode = exitCode;
  }
}

/** The module's own failure (a WebAssembly trap or an Emscripten abort), not jq's answer about the program. */
export function isBroken(err: unknown): boolean {
  return (
    (err as Error)?.name === 'RuntimeError' ||
    /^Aborted\(|memory access out of bounds/.test((err as Error)?.message ?? '')
  );
}
