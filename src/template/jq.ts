import jq from 'jq-wasm';
import { ExpressionError } from '../errors.js';

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
    text = await jq.raw(JSON.stringify(input ?? null), program, ['-c']);
  } catch (err) {
    const message = (err as Error).message.replace(/^Failed to execute (JSON|raw) query: /, '').replace(/^jq: error: /, '').split('\n')[0];
    throw new ExpressionError(`${what}: ${message}`);
  } finally {
    process.exitCode = exitCode;
  }
  return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown);
}
