import type { Route } from '../http/server.js';
import type { Metrics } from './metrics.js';

/** GET /metrics: the process's registry in Prometheus text. */
export function metricsRoute(metrics: Metrics): Route {
  return {
    method: 'GET',
    path: /^\/metrics$/,
    async handle(_req, res) {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  };
}
