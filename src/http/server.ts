import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { asOpsgateError } from '../errors.js';
import type { Logger } from '../log.js';
import { sendJson } from './respond.js';

export interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> | void;
}

/** One HTTP server for every route; an error answers with its code and message, never a stack. */
export function createHttpServer(routes: Route[], log: Logger): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const matching = routes.filter((r) => r.path.test(url.pathname));
    const route = matching.find((r) => r.method === req.method || (r.method === 'GET' && req.method === 'HEAD'));
    if (!route) {
      sendJson(res, matching.length ? 405 : 404, { Code: matching.length ? 'MethodNotAllowed' : 'NotFound', Message: `${req.method} ${url.pathname}` });
      return;
    }
    const params = route.path.exec(url.pathname)!.slice(1).map((p) => decodeURIComponent(p ?? ''));
    Promise.resolve(route.handle(req, res, params)).catch((err: unknown) => {
      const e = asOpsgateError(err);
      if (e.status >= 500) log.error({ err: e.message, path: url.pathname }, 'request failed');
      if (res.headersSent) { res.end(); return; }
      sendJson(res, e.status, { Code: e.code, Message: e.status >= 500 ? 'internal error' : e.message });
    });
  });
}
