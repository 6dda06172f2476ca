import jq from 'jq-wasm';
import { ExpressionError } from '../errors.js';
import type { ParameterType } from './schema.js';

/**
 * Task output selection: a ValueSelector is a jq program over the action's JSON result, with an
 * implicit leading `.` as OOS writes them (`Instances.Instance[].InstanceId`). Runs real jq (wasm).
 */
export async function select(result: unknown, selector: string, type: ParameterType): Promise<unknown> {
  const program = /^[A-Za-z_]/.test(selector.trim()) ? `.${selector.trim()}` : selector;
  let text: string;
  // jq-wasm is Emscripten's jq: it records jq's exit status in process.exitCode (3 for a compile
  // error), which would make this whole process exit non-zero later. Keep ours.
  const exitCode = process.exitCode;
  try {
    text = await jq.raw(JSON.stringify(result ?? null), program, ['-c']);
  } catch (err) {
    const message = (err as Error).message.replace(/^Failed to execute JSON query: /, '').split('\n')[0];
    throw new ExpressionError(`ValueSelector ${selector}: ${message}`);
  } finally {
    process.exitCode = exitCode;
  }
  const values = text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown);
  if (type === 'List') return values.length === 1 && Array.isArray(values[0]) ? values[0] : values;
  const one = values.length <= 1 ? values[0] ?? null : values;
  return coerceOutput(one, type);
}

function coerceOutput(v: unknown, type: ParameterType): unknown {
  if (type === 'String') return v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  if (type === 'Number') return typeof v === 'number' ? v : Number(v);
  if (type === 'Boolean') return typeof v === 'boolean' ? v : String(v) === 'true';
  return v;
}
