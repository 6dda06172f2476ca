import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** Fields that may carry secrets are censored wherever they appear in a log line. */
const REDACT = [
  '*.token',
  '*.password',
  '*.Password',
  '*.secret',
  '*.signingSecret',
  '*.botToken',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'config.platforms',
  'config.secret',
  'config.archiveUrl',
  '*.archiveUrl',
];

/**
 * What a line is about (request id, execution id, ticket id), set once where the work starts and
 * carried through every await, so that every line written meanwhile names it without passing a logger.
 */
const context = new AsyncLocalStorage<Record<string, string>>();

export function withLogContext<T>(fields: Record<string, string | undefined>, fn: () => T): T {
  const defined = Object.fromEntries(Object.entries(fields).filter((f): f is [string, string] => f[1] !== undefined));
  return context.run({ ...context.getStore(), ...defined }, fn);
}

/** Adds fields to the current context (an id learnt halfway through a request). */
export function addLogContext(fields: Record<string, string>): void {
  const store = context.getStore();
  if (store) Object.assign(store, fields);
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT, censor: '******' },
      mixin: () => context.getStore() ?? {},
    },
    destination ?? pino.destination(2),
  );
}
