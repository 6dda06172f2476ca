#!/usr/bin/env node
import { loadConfig } from './config.js';
import { ConfigError, messageIn, OpsgateError } from '../errors.js';
import { operatorLocale } from '../config/env.js';
import { createLogger } from '../log.js';
import { ensureRedis } from '../store/redis.js';
import { describeExecution } from '../chat/describe.js';
import { keyValues } from '../chat/tokenize.js';
import { executionMasker } from '../engine/mask.js';
import { isTerminal } from '../engine/status.js';
import { startProbeServer } from '../metrics/probe-server.js';
import { createAccess, createRuntime, startStepWorker } from './runtime.js';
import { validateCommand } from './validate.js';
import { auditArgs, writeAudit } from './audit.js';
import { startWeb } from './web.js';

const USAGE = `usage: opsgate <command>
  start                          bot, HTTP server and worker in one process (npm start)
  bot                            bot and HTTP server only (Procfile web:)
  worker                         BullMQ worker only (Procfile worker:)
  validate PATH... [--json] [--twins]  check templates (files or folders)
  run TEMPLATE [key=value ...]   start an execution and follow it
  audit --since DATE [--until DATE] [--format csv|jsonl]
                                 every approval decision in the range, to stdout`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'validate') return validateCommand(args);
  if (!command || !['start', 'bot', 'worker', 'run', 'audit'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return command === 'help' || command === '--help' ? 0 : 2;
  }
  // Checked before anything connects: a wrong option is answered at once.
  const auditQuery = command === 'audit' ? auditArgs(args) : undefined;
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const redis = await ensureRedis(config.redisUrl, log);
  const rt = createRuntime(config, redis.url, log);
  const closers: (() => Promise<unknown>)[] = [];
  if (command === 'run' || auditQuery) {
    try {
      if (auditQuery) {
        const n = await writeAudit(rt.audit, auditQuery, (chunk) => process.stdout.write(chunk));
        process.stderr.write(`opsgate: ${n} approval decision${n === 1 ? '' : 's'}\n`);
        return 0;
      }
      return await run(rt, args);
    } finally {
      await rt.close();
      await redis.stop();
    }
  }
  // Not ready until each part this process runs is up (the worker registers its live check when it starts).
  if (command !== 'bot') rt.readiness.require('worker', () => false);
  if (command === 'start' || command === 'bot') {
    let loaded = false;
    rt.readiness.require('templates', () => loaded);
    const web = await startWeb(rt);
    loaded = true;
    closers.push(() => web.close());
    process.stderr.write(`opsgate: web console at ${web.url}\n`);
  } else {
    // A worker alone serves only /metrics, /healthz and /readyz; `start` has them on the web server.
    const probes = await startProbeServer({
      redis: rt.redis,
      readiness: rt.readiness,
      metrics: rt.metrics,
      log,
      host: config.host,
      port: config.port,
      access: createAccess(rt),
    });
    closers.push(() => probes.close());
  }
  if (command === 'start' || command === 'worker') {
    const worker = startStepWorker(rt);
    closers.push(() => worker.close());
    log.info('worker is running');
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('shutting down');
  for (const close of closers.reverse()) await close();
  await rt.close();
  await redis.stop();
  return 0;
}

/** Starts an execution as the CLI user and prints a live progress line until it ends. */
async function run(rt: ReturnType<typeof createRuntime>, [name, ...pairs]: string[]): Promise<number> {
  if (!name) throw new OpsgateError('InvalidParameter', 'usage: opsgate run TEMPLATE [key=value ...]');
  const given = keyValues(pairs);
  if (!given.ok) throw new OpsgateError('InvalidParameter', `${JSON.stringify(given.word)} is not key=value`);
  const parameters = given.value;
  if (!(await rt.producer.steps.getWorkers()).length)
    process.stderr.write('opsgate: no worker is running yet; start one with `opsgate worker` or `npm start`\n');
  const exec = await rt.executions.start({
    templateName: name,
    parameters,
    owner: rt.config.user,
    origin: { platform: 'cli' },
  });
  let last = '';
  for (;;) {
    const e = await rt.executionStore.get(exec.id);
    const line =
      `${e.id} ${e.status}${e.current ? ` at ${e.current}` : ''}` +
      `${e.statusMessage ? `: ${executionMasker(e).text(e.statusMessage)}` : ''}`;
    if (line !== last) process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
    last = line;
    if (isTerminal(e.status)) {
      const mask = executionMasker(
        e,
        (await rt.templates.get(e.templateName, e.templateVersion).catch(() => undefined))?.template,
      );
      process.stdout.write(`${process.stderr.isTTY ? '\n' : ''}${describeExecution(e, mask)}\n`);
      return e.status === 'Success' ? 0 : 1;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A configuration problem is one line, in OPSGATE_LOCALE when valid; anything else is reported by its code.
    const message =
      err instanceof ConfigError
        ? messageIn(err, operatorLocale(process.env))
        : err instanceof OpsgateError
          ? `${err.code}: ${err.message}`
          : String((err as Error)?.stack ?? err);
    process.stderr.write(`opsgate: ${message}\n`);
    process.exit(1);
  },
);
