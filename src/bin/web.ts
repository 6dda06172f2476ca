import type { AddressInfo } from 'node:net';
import { Bot } from '../chat/bot.js';
import { createChatAdapters } from '../chat/adapters.js';
import { CONSOLE_CHANNEL } from '../chat/console/routes.js';
import { createLink, linkExpiry } from '../notify/approval-links.js';
import { announceSiteUrl } from './site-url.js';
import { homeOf } from '../chat/home.js';
import { executionPageRoutes } from '../http/execution-page.js';
import { approvalActions } from '../http/api/approval-actions.js';
import { auditActions } from '../http/api/audit-actions.js';
import { executionActions } from '../http/api/execution-actions.js';
import { type ApiAction, apiRoute } from '../http/api/router.js';
import { rpcRoutes } from '../http/rpc/route.js';
import { templateActions } from '../http/api/template-actions.js';
import { approvePageRoutes } from '../http/approve-page.js';
import { healthRoute, readyRoute } from '../http/health.js';
import { metricsRoute } from '../metrics/route.js';
import { secretOf } from '../store/secret.js';
import { executionMasker } from '../engine/mask.js';
import { createHttpServer, type Route } from '../http/server.js';
import { LoginLinks } from '../http/auth/login-links.js';
import { loginRoutes } from '../http/auth/login-routes.js';
import { RateLimiter } from '../http/auth/rate-limit.js';
import { queueBoardRoute } from '../http/queue-board.js';
import { scriptRoute } from '../http/scripts.js';
import { notificationDispatcher } from '../chat/dispatcher.js';
import { ConsoleChannel } from '../store/console.js';
import { ConfigError } from '../errors.js';
import { msg } from '../i18n/index.js';
import { createAccess, publicUrlOf, startNotifyWorker, type Runtime } from './runtime.js';

export { CONSOLE_CHANNEL };

/** The bot process: templates loaded, HTTP (console, Slack, pages), and the notification consumer. */
export async function startWeb(rt: Runtime): Promise<{ url: string; close(): Promise<void> }> {
  const { config, log } = rt;
  const { loaded, failed } = await rt.templates.loadFolders(config.templateDirs);
  log.info({ templates: loaded.map((t) => `${t.name} ${t.version}`) }, 'templates loaded');
  for (const f of failed) log.error({ file: f.file }, `template not loaded: ${f.error}`);

  const secret = () => secretOf(rt);
  let url = publicUrlOf(config);
  const access = createAccess(rt);
  if (access.devMode)
    log.warn('development mode: the console and pages need no sign-in (loopback only, no OPSGATE_API_TOKENS)');
  const loginLinks = new LoginLinks(rt.redis, rt.keys);
  const bot = new Bot({
    templates: rt.templates,
    executions: rt.executions,
    approvals: rt.approvals,
    history: rt.history,
    // The listen address is known only once listening (PORT=0): read when a link is made.
    loginLink: async (user) => `${config.publicUrl ?? url}/login/${await loginLinks.create(user)}`,
    defaults: { locale: config.locale, timezone: config.timezone },
  });
  const subscriber = rt.redis.duplicate();
  // A duplicate has no listener of its own: without one, ioredis prints each reconnect error (a failover's).
  subscriber.on('error', (err) => log.debug({ err: err.message }, 'console subscriber connection error'));
  // Each chat platform the configuration turns on (chat/adapters.ts), given the ports it may need.
  const chats = createChatAdapters({
    config,
    bot,
    directory: rt.directory,
    log,
    publicUrl: publicUrlOf(config),
    access,
    console: { channel: new ConsoleChannel(rt.redis, rt.keys), subscriber, eventsKey: rt.keys.consoleEvents },
    home: (user) => homeOf(user, { executions: rt.executionStore, tickets: rt.tickets }),
    once: async (key) => (await rt.redis.set(rt.keys.once(key), '1', 'EX', 3600, 'NX')) === 'OK',
    firstDelivery: async (id, ttlS) => (await rt.redis.set(rt.keys.slackDelivery(id), '1', 'EX', ttlS, 'NX')) === 'OK',
    approvalLink: async (ticketId, approver) => {
      const expiresAt = linkExpiry(await rt.approvals.get(ticketId));
      const token = createLink(await secretOf(rt), { ticketId, approver, expiresAt });
      return `${publicUrlOf(config)}/approve/${token}`;
    },
    memory: (platform) => ({
      get: async (key) => (await rt.redis.get(rt.keys.chatMemory(platform, key))) ?? undefined,
      set: async (key, value, ttlMs) => {
        await rt.redis.set(rt.keys.chatMemory(platform, key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
      },
    }),
    deliveryFailed: async ({ executionId, ticketId, channel, message, text }) => {
      log.warn({ ticketId, channel, err: message }, 'approval notification failed');
      const time = new Date().toISOString();
      await rt.executionStore.logDelivery(executionId, { time, channel, ticketId, message, text });
    },
    retryLater: (platform, data, delayMs) => rt.producer.chatRetry(platform, data, delayMs),
  });
  const secure = publicUrlOf(config).startsWith('https:');
  // Pages, console and dashboard need a session; /metrics also takes an API token (Prometheus's
  // bearer credentials); health, sign-in, Slack and mail links carry their own proof or none is needed.
  const pages = executionPageRoutes({
    executions: rt.executionStore,
    runs: rt.history,
    templates: rt.templates,
    tickets: rt.tickets,
    redis: rt.redis,
    channel: rt.keys.executionEvents,
    reader: (req) => access.reader(req),
  });
  // The API's actions: at /api behind bearer tokens, and at / for Alibaba Cloud's SDKs behind AccessKeys.
  const actions: Record<string, ApiAction> = {
    ...templateActions(rt.templates, rt.permissions),
    ...approvalActions({
      approvals: rt.approvals,
      tickets: (id) => rt.history.ticket(id),
      directory: rt.directory,
      policies: rt.policies,
    }),
    ...auditActions({ audit: rt.audit }),
    ...executionActions({
      executions: rt.executions,
      store: rt.executionStore,
      history: rt.history,
      archive: rt.archive && {
        find: (id) => rt.history.find(id),
        listRuns: async (q, limit, after) => (await rt.archive!.get()).listRuns(q, limit, after),
      },
      templates: rt.templates,
      approvals: rt.approvals,
      directory: rt.directory,
      triggers: rt.triggers,
      permissions: rt.permissions,
    }),
  };
  const routes: Route[] = [
    // Before the console's GET /: a GET / that carries an Action is an RPC call.
    ...rpcRoutes({
      actions,
      accessKeys: config.accessKeys,
      known: (user) => !!rt.directory.user(user),
      firstUse: async (id, nonce, ttlMs) =>
        (await rt.redis.set(rt.keys.rpcNonce(id, nonce), '1', 'PX', ttlMs, 'NX')) === 'OK',
      limiter: new RateLimiter(rt.redis, rt.keys, 'rpc', config.apiRateLimit),
      log,
    }),
    healthRoute(rt.redis),
    readyRoute(rt.redis, rt.readiness),
    access.guard(metricsRoute(rt.metrics), 'metrics'),
    ...pages.routes.map((r) => access.guard(r)),
    ...chats.flatMap((c) => c.routes),
    ...approvePageRoutes({
      approvals: rt.approvals,
      directory: rt.directory,
      executions: rt.executionStore,
      templates: rt.templates,
      redis: rt.redis,
      keys: rt.keys,
      secret,
      publicUrl: publicUrlOf(config),
      defaults: { locale: config.locale, timezone: config.timezone },
    }),
    apiRoute(actions, access.bearer, log, new RateLimiter(rt.redis, rt.keys, 'api', config.apiRateLimit)),
    ...loginRoutes({
      access,
      links: loginLinks,
      directory: rt.directory,
      apiTokens: config.apiTokens,
      secret,
      secure,
      attempts: new RateLimiter(rt.redis, rt.keys, 'login', 20),
      publicHost: config.publicUrl ? new URL(config.publicUrl).host : undefined,
    }),
    access.guard(queueBoardRoute([...rt.producer.shards, rt.producer.notifications]), 'admin'),
    // The pages' scripts: open, like the code they are (the sign-in page must load without a session).
    scriptRoute(),
  ];

  const server = createHttpServer(routes, log);
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        new ConfigError(
          msg('cli:cannotListen', {
            host: config.host,
            port: String(config.port),
            reason: err.code ?? err.message,
            inUse: err.code === 'EADDRINUSE' ? 'yes' : 'no',
          }),
        ),
      ),
    );
    server.listen(config.port, config.host, ok);
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${config.host}:${port}`;
  await announceSiteUrl(rt, port);
  log.info({ url }, 'opsgate is listening');
  for (const chat of chats) {
    await chat.start();
    log.info({ platform: chat.platform }, chat.name);
  }
  const notifier = startNotifyWorker(
    rt,
    notificationDispatcher({
      executions: rt.executionStore,
      tickets: rt.tickets,
      senders: chats,
      publicUrl: config.publicUrl ?? url,
      log,
      defaults: { locale: config.locale, timezone: config.timezone },
      totalTasks: async (e) => (await rt.templates.runnable(e.templateName, e.templateVersion)).template.Tasks.length,
      maskerOf: async (e) =>
        executionMasker(
          e,
          (await rt.templates.get(e.templateName, e.templateVersion).catch(() => undefined))?.template,
        ),
    }),
  );
  return {
    url,
    async close() {
      for (const chat of chats) await chat.stop();
      pages.close();
      await new Promise((r) => server.close(r));
      server.closeAllConnections();
      await notifier.close();
      subscriber.disconnect();
    },
  };
}
