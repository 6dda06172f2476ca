import { parentPort } from 'node:worker_threads';
import { isBroken, rawJq, warm } from './jq-instance.js';

/**
 * One jq thread of the pool (jq-pool.ts): keeps its own jq-wasm instance warm and runs one program
 * at a time. The pool stops the whole thread when a program overruns its time or memory.
 */
export interface JqRequest {
  input: string;
  program: string;
  maxOutput: number;
}
/**
 * A failure carries jq's own message, or which limit the program hit (the pool words it from the
 * catalogue: the thread stays small and loads no messages).
 */
export type JqReply =
  | { ok: true; text: string }
  | { ok: false; message: string; outOfMemory?: boolean; tooMuchOutput?: number };

const port = parentPort!;
// Emscripten also prints its aborts on the console; the reply carries every message to the caller.
// (The thread's own stdio streams would keep the parent process alive, so they are not piped.)
console.error = () => {};
console.warn = () => {};

async function answer(req: JqRequest): Promise<JqReply> {
  try {
    const text = await rawJq(req.input, req.program);
    if (text.length > req.maxOutput) return { ok: false, message: '', tooMuchOutput: req.maxOutput };
    return { ok: true, text };
  } catch (err) {
    const message = String((err as Error)?.message ?? err);
    // jq-wasm's heap is at most 256 MB; a program that fills it aborts the instance.
    if (/cannot allocate memory|Cannot enlarge memory|out of memory/i.test(message) || isBroken(err)) {
      return { ok: false, message: '', outOfMemory: true };
    }
    return { ok: false, message };
  }
}

port.on('message', (req: JqRequest) => {
  void answer(req).then((reply) => port.postMessage(reply));
});
void warm().then(() => port.postMessage({ ready: true }));
