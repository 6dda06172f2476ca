import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** Fields that may carry secrets are censored wherever they appear in a log line. */
const REDACT = [
  '*.token', '*.password', '*.Password', '*.secret', '*.signingSecret', '*.botToken', '*.authorization',
  'headers.authorization', 'config.slack', 'config.secret',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { pid: process.pid }, redact: { paths: REDACT, censor: '******' } },
    destination ?? pino.destination(2));
}
