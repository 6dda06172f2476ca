import { msg } from '../../i18n/index.js';
import { runJq } from '../jq.js';
import { JqProgram } from '../jq-program.js';
import { asString, describe, fail, positional } from './args.js';

/** Jq: [First|All, script, object] with a real jq; First gives the first result (null if none). */

/** The object may arrive as JSON text (an output of Type String); parse any valid JSON text. */
function input(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

async function Jq(args: unknown): Promise<unknown> {
  const [m, s, object] = positional('Jq', args, '[method, script, object]', 3);
  const method = typeof m === 'string' ? m.trim().toLowerCase() : '';
  if (method !== 'first' && method !== 'all') fail('Jq', msg('functions:jqMethod', { value: describe(m) }));
  // The script arrives as a JqProgram when written in the template (its references are jq variables).
  const script = s instanceof JqProgram ? s : asString('Jq', s, msg('functions:theScript'));
  const results = await runJq(input(object), script, 'Fn::Jq');
  return method === 'all' ? results : (results[0] ?? null);
}

export const jq = { Jq };
