import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { t } from '../i18n/index.js';
import type { Route } from './server.js';

const FOLDER = new URL('./scripts/', import.meta.url);
const NAME = /^[a-z][a-z0-9-]*\.js$/;

/**
 * GET /assets/{name}.js: the pages' scripts, files of src/http/scripts read once at start-up. The
 * pages' Content-Security-Policy runs scripts from this site only, never inline ones. Only those
 * files are served (a name, never a path); revalidated by ETag, so a new version is seen at once.
 */
export function scriptRoute(): Route {
  const scripts = new Map(
    readdirSync(FOLDER)
      .filter((f) => NAME.test(f))
      .map((f) => {
        const body = readFileSync(new URL(f, FOLDER));
        return [f, { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }] as const;
      }),
  );
  return {
    method: 'GET',
    path: /^\/assets\/([^/]+)$/,
    handle(req, res, [name]) {
      const script = scripts.get(name!);
      if (!script) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(t('en', 'http:noSuchScript'));
        return;
      }
      const headers = {
        'content-type': 'text/javascript; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
        etag: script.etag,
      };
      if (req.headers['if-none-match'] === script.etag) {
        res.writeHead(304, headers).end();
        return;
      }
      res
        .writeHead(200, { ...headers, 'content-length': script.body.length })
        .end(req.method === 'HEAD' ? undefined : script.body);
    },
  };
}
