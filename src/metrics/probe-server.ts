import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { ConfigError } from '../errors.js';
import { t } from '../i18n/index.js';
import { healthRoute, readyRoute, type Readiness } from '../http/health.js';
import { createHttpServer } from '../http/server.js';
import type { Logger } from '../log.js';
import type { Access } from '../http/auth/access.js';
import type { Metrics } from './metrics.js';
import { metricsRoute } from './route.js';

/**
 * A worker process's HTTP: /metrics, /healthz and /readyz only, so Prometheus and an orchestrator
 * watch workers as they watch the bot. It listens before Redis is needed, to answer 503 meanwhile.
 */
export async function startProbeServer(p: {
  redis: Redis;
  readiness: Readiness;
  metrics: Metrics;
  log: Logger;
  host: string;
  port: number;
  access: Access;
}): Promise<{ url: string; close(): Promise<void> }> {
  const server = createHttpServer(
    [healthRoute(p.redis), readyRoute(p.redis, p.readiness), p.access.guard(metricsRoute(p.metrics), 'metrics')],
    p.log,
  );
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        new ConfigError(
          t('en', 'http:cannotListen', {
            address: `${p.host}:${p.port}`,
            why: err.code ?? err.message,
            taken: err.code === 'EADDRINUSE' ? 'yes' : 'no',
          }),
        ),
      ),
    );
    server.listen(p.port, p.host, ok);
  });
  const url = `http://${p.host}:${(server.address() as AddressInfo).port}`;
  p.log.info({ url }, 'metrics and probes listening');
  return {
    url,
    async close() {
      await new Promise((r) => server.close(r));
      server.closeAllConnections();
    },
  };
}
