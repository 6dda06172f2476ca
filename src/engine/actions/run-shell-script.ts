import { spawn } from 'node:child_process';
import { z } from 'zod';
import { evaluate, lookup } from '../../template/expressions.js';
import { duration, ex, props, req, text } from '../../template/property-fields.js';
import { references } from '../../template/references.js';
import { ARG_VARIABLE, bindScript, SCRIPT_NOT_ONE_STRING } from '../../template/shell-script.js';
import { parseDuration } from './sleep.js';
import { t } from '../../i18n/index.js';
import { said } from '../message.js';
import type { BuiltinAction } from './types.js';

const MAX_OUTPUT = 64 * 1024;

/**
 * Opsgate::RunShellScript {Script, Timeout, Env}: runs the script with /bin/sh on the worker host.
 * The values of the Script's `{{ }}` references come as ScriptArguments (OPSGATE_ARG_n variables,
 * see template/shell-script.ts). The result is {ExitCode, Stdout, Stderr}; a non-zero exit or the
 * timeout fails the task.
 */
export const runShellScript: BuiltinAction = {
  name: 'Opsgate::RunShellScript',
  schema: props({
    Script: req(text.refine((s) => s.trim() !== '', t('en', 'actions:scriptEmpty'))),
    Timeout: ex(duration),
    // Variable names to values.
    Env: ex(
      z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, t('en', 'actions:variableNames')), z.unknown(), {
        error: t('en', 'actions:variableMap'),
      }),
    ),
  }),
  // A reference's value reaches the script as a variable, never as its text (shell-script.ts);
  // validate refuses what cannot be placed safely, and so does this, should a template get here.
  async evaluateProperties(raw, scope) {
    const { Script, ...rest } = raw;
    const properties = (await evaluate(rest, scope)) as Record<string, unknown>;
    if (typeof Script !== 'string') {
      if (!references(Script).next().done) throw new Error(SCRIPT_NOT_ONE_STRING);
      return { ...properties, Script: await evaluate(Script, scope) };
    }
    const bound = bindScript(Script, (ref) => lookup(ref, scope));
    return { ...properties, Script: bound.script, ScriptArguments: bound.env };
  },
  async run({ properties, idempotencyKey }) {
    if (typeof properties.Script !== 'string' || !properties.Script.trim())
      return { kind: 'failed', ...said('actions:scriptNotText') };
    const timeout = parseDuration(properties.Timeout ?? 'PT10M') ?? 600_000;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/',
      OPSGATE_IDEMPOTENCY_KEY: idempotencyKey,
    };
    for (const [k, v] of Object.entries((properties.Env as Record<string, unknown>) ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        return { kind: 'failed', ...said('actions:envNotVariable', { name: k }) };
      if (ARG_VARIABLE.test(k)) return { kind: 'failed', ...said('actions:envReserved', { name: k }) };
      env[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    for (const [k, v] of Object.entries((properties.ScriptArguments as Record<string, string>) ?? {}))
      if (ARG_VARIABLE.test(k)) env[k] = v;
    return new Promise((resolve) => {
      const child = spawn('/bin/sh', ['-c', properties.Script as string], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const out = { stdout: '', stderr: '' };
      const take = (which: 'stdout' | 'stderr') => (d: Buffer) => {
        if (out[which].length < MAX_OUTPUT) out[which] += d.toString('utf8').slice(0, MAX_OUTPUT - out[which].length);
      };
      child.stdout.on('data', take('stdout'));
      child.stderr.on('data', take('stderr'));
      let timedOut = false;
      // The whole process group: a script's own children must not outlive its timeout.
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, timeout);
      child.on('error', (err) => {
        clearTimeout(timer);
        resolve({ kind: 'failed', ...said('actions:shellNotRun', { detail: err.message }) });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const result = { ExitCode: code ?? -1, Stdout: out.stdout, Stderr: out.stderr };
        const stderr = out.stderr ? out.stderr.trim().split('\n').at(-1) : undefined;
        if (timedOut) resolve({ kind: 'failed', ...said('actions:scriptTimedOut', { seconds: timeout / 1000 }) });
        else if (code !== 0)
          resolve({
            kind: 'failed',
            ...(stderr === undefined
              ? said('actions:scriptExited', { code: String(code) })
              : said('actions:scriptExitedSaying', { code: String(code), stderr })),
          });
        else resolve({ kind: 'success', result });
      });
    });
  },
};
