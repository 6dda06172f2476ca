import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { asOpsgateError } from '../errors.js';
import { t } from '../i18n/index.js';
import { withLogContext, type Logger } from '../log.js';
import { sendJson } from './respond.js';

export interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> | void;
  /** Takes only the requests this says yes to (`GET /` is the console's, unless it carries an RPC Action). */
  when?(req: IncomingMessage, url: URL): boolean;
}

/** Path segments that are credentials (mail approval and sign-in links) never reach a log. */
/** Asked every few seconds by orchestrators and Prometheus: logged at debug only. */
const PROBES = /^\/(healthz|readyz|metrics)(\?|$)/;
const CREDENTIAL_PATH = /^\/(approve|login)\/[^/]+/;

/**
 * The official Alibaba Cloud SDKs send every parameter of an RPC call in its URL, a 64 KB template
 * too (up to three bytes a byte once percent-encoded): Node's 16 KB would refuse it with a bare 431.
 */
const MAX_HEADER_BYTES = 256 * 1024;

/**
 * One HTTP server for every route; an error answers with its code and message, never a stack.
 * Each request gets an id (a sane X-Request-Id from a proxy, else a new one), answered in
 * X-Request-Id and named on every log line written while it is handled.
 */
export function createHttpServer(routes: Route[], log: Logger): Server {
  return createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    const given = req.headers['x-request-id'];
    const requestId =
      typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID().toUpperCase();
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.once('finish', () =>
      withLogContext({ requestId }, () =>
        log[PROBES.test(req.url ?? '') ? 'debug' : 'info'](
          {
            method: req.method,
            path: (req.url ?? '/').split('?')[0]!.replace(CREDENTIAL_PATH, '/$1/******'),
            status: res.statusCode,
            ms: Math.round(performance.now() - started),
          },
          'request',
        ),
      ),
    );
    withLogContext({ requestId }, () => handle(req, res));
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const matching = routes.filter((r) => r.path.test(url.pathname) && (!r.when || r.when(req, url)));
    const route = matching.find((r) => r.method === req.method || (r.method === 'GET' && req.method === 'HEAD'));
    if (!route) {
      sendJson(res, matching.length ? 405 : 404, {
        Code: matching.length ? 'MethodNotAllowed' : 'NotFound',
        Message: `${req.method} ${url.pathname}`,
      });
      return;
    }
    // Inside the promise: a bad %-escape or a handler that throws at once answers like any other error.
    Promise.resolve()
      .then(() =>
        route.handle(
          req,
          res,
          route.path
            .exec(url.pathname)!
            .slice(1)
            .map((p) => decodeURIComponent(p ?? '')),
        ),
      )
      .catch((err: unknown) => {
        const e = asOpsgateError(err);
        if (e.status >= 500)
          log.error({ err: e.message, path: url.pathname.replace(CREDENTIAL_PATH, '/$1/******') }, 'request failed');
        if (res.headersSent) {
          res.end();
          return;
        }
        sendJson(res, e.status, { Code: e.code, Message: e.status >= 500 ? t('en', 'http:internalError') : e.message });
      });
  }
}
