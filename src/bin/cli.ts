#!/usr/bin/env node
import { loadConfig } from './config.js';
import { translator } from '../i18n/index.js';
import { createLogger } from '../log.js';
import { ensureRedis } from '../store/redis.js';
import { startProbeServer } from '../metrics/probe-server.js';
import { createAccess, createRuntime, startStepWorker } from './runtime.js';
import { validateCommand } from './validate.js';
import { adoptSiteUrl } from './site-url.js';
import { auditArgs, writeAudit } from './audit.js';
import { startWeb } from './web.js';
import { cliLocale } from './locale.js';
import { errorText } from './error-text.js';
import { runArgs, runCommand } from './run.js';

const COMMANDS = ['start', 'bot', 'worker', 'run', 'audit'];
const locale = cliLocale();
const say = translator(locale);

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'validate') return validateCommand(args, process.stdout, { locale });
  if (!command || !COMMANDS.includes(command)) {
    const help = command === 'help' || command === '--help';
    if (command && !help) process.stderr.write(`opsgate: ${say('cli:unknownCommand', { command })}\n`);
    process.stderr.write(`${say('cli:usage')}\n`);
    return help ? 0 : 2;
  }
  // Checked before anything connects: a wrong option is answered at once.
  const auditQuery = command === 'audit' ? auditArgs(args) : undefined;
  const toRun = command === 'run' ? runArgs(args) : undefined;
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  // A Cluster or Sentinel is used as configured; one Redis may be found or started (ensureRedis).
  const redis =
    config.redis.kind === 'url' ? await ensureRedis(config.redisUrl, log) : { url: '', stop: async () => {} };
  const rt = createRuntime(config, config.redis.kind === 'url' ? redis.url : config.redis, log);
  const closers: (() => Promise<unknown>)[] = [];
  if (toRun || auditQuery) {
    try {
      if (auditQuery) {
        const n = await writeAudit(rt.audit, auditQuery, (chunk) => process.stdout.write(chunk));
        process.stderr.write(`opsgate: ${say('cli:auditDecisions', { count: n, n: String(n) })}\n`);
        return 0;
      }
      await adoptSiteUrl(rt);
      return await runCommand(rt, toRun!, locale);
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
    process.stderr.write(`opsgate: ${say('cli:webConsoleAt', { url: web.url })}\n`);
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
  if (command === 'worker') await adoptSiteUrl(rt);
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`opsgate: ${errorText(err, locale)}\n`);
    process.exit(1);
  },
);
