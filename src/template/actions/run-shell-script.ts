import { z } from 'zod';
import { duration, ex, props, req, text } from './fields.js';

/** Opsgate::RunShellScript: Script, Timeout, Env (variable names to values). */
export const runShellScriptSchema = props({
  Script: req(text.refine((s) => s.trim() !== '', 'must not be empty')),
  Timeout: ex(duration),
  Env: ex(
    z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be variable names'), z.unknown(), {
      error: 'must be a map of variable names to values',
    }),
  ),
});
