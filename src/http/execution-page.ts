import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { auditCsvHeader, auditCsvLine, runAuditRecords } from '../core/audit.js';
import type { Reader } from '../config/reader.js';
import { OpsgateError } from '../errors.js';
import { msg, t } from '../i18n/index.js';
import { isExecutionStatus, isTerminal } from '../engine/status.js';
import { currentVersion, loadExecutionPage, type ExecutionPageDeps } from './pages/execution-data.js';
import { executionFragment, executionPage } from './pages/execution-html.js';
import { notFoundPage } from './pages/layout.js';
import { loadList, type ListDeps } from './pages/list-data.js';
import { listPage } from './pages/list-html.js';
import { endedStream, executionStreams, sendEvent } from './pages/live.js';
import { requestReader } from './reader.js';
import { sendHtml } from './respond.js';
import type { Route } from './server.js';

export interface ExecutionPageRouteDeps extends ExecutionPageDeps, ListDeps {
  /** Duplicated once for the subscriber of `channel`. */
  redis: Redis;
  channel: string;
  keepaliveMs?: number;
  /** Who reads a page (Access.reader): without it, the browser's Accept-Language, else English and UTC. */
  reader?: (req: IncomingMessage) => Promise<Reader>;
}

const ID = /^exec-[0-9a-f]{1,64}$/;
// Wider than an id, so that a mistyped one gets this page's 404 rather than the server's.
const SEGMENT = '([A-Za-z0-9._~-]{1,200})';

const ended = (s: string) => isExecutionStatus(s) && isTerminal(s);

function missing(res: ServerResponse, id: string, r: Reader): void {
  const title = t(r.locale, 'page:noSuchExecution');
  sendHtml(
    res,
    404,
    notFoundPage(title, t(r.locale, ID.test(id) ? 'page:executionMissing' : 'page:notAnExecutionId', { id }), r),
  );
}

/**
 * The execution pages: GET /executions (the list and the approvals waiting), /executions/{id} (a
 * live picture of one run), its /fragment (the parts that change) and /events (server-sent events
 * telling the page when to fetch the fragment again). close() ends the open event streams.
 */
export function executionPageRoutes(deps: ExecutionPageRouteDeps): { routes: Route[]; close(): void } {
  const live = executionStreams({ redis: deps.redis, channel: deps.channel, keepaliveMs: deps.keepaliveMs });
  const noStore = (res: ServerResponse) => res.setHeader('cache-control', 'no-store');
  const readerOf = (req: IncomingMessage) => deps.reader?.(req) ?? Promise.resolve(requestReader(req, undefined));

  const routes: Route[] = [
    {
      method: 'GET',
      path: /^\/executions\/?$/,
      async handle(req, res) {
        const reader = await readerOf(req);
        const data = await loadList(deps, new URL(req.url ?? '/', 'http://x').searchParams, reader);
        noStore(res);
        sendHtml(res, 200, listPage(data, reader));
      },
    },
    // The run's approval decisions, as `opsgate audit` writes them (CSV): the page links to it.
    {
      method: 'GET',
      path: new RegExp(`^/executions/${SEGMENT}/audit$`),
      async handle(req, res, [id]) {
        const records = ID.test(id!)
          ? await runAuditRecords(
              {
                execution: (x) => deps.runs.find(x),
                taskRecords: (x) => deps.runs.taskRecords(x),
                ticket: (t) => deps.runs.ticket(t),
                templateHash: async (name, version) =>
                  (await deps.templates.get(name, version).catch(() => undefined))?.hash,
              },
              id!,
            )
          : undefined;
        if (!records) return missing(res, id!, await readerOf(req));
        noStore(res);
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `inline; filename="${id}-audit.csv"`,
        });
        res.end(auditCsvHeader() + records.map(auditCsvLine).join(''));
      },
    },
    // The whole page, and the parts of it that change (what the page fetches after an event).
    ...(
      [
        ['', executionPage],
        ['/fragment', executionFragment],
      ] as const
    ).map(
      ([suffix, render]): Route => ({
        method: 'GET',
        path: new RegExp(`^/executions/${SEGMENT}${suffix}$`),
        async handle(req, res, [id]) {
          const reader = await readerOf(req);
          const data = ID.test(id!) ? await loadExecutionPage(deps, id!, reader) : undefined;
          if (!data) return missing(res, id!, reader);
          noStore(res);
          sendHtml(res, 200, render(data, reader));
        },
      }),
    ),
    {
      method: 'GET',
      path: new RegExp(`^/executions/${SEGMENT}/events$`),
      async handle(req, res, [id]) {
        const since = new URL(req.url ?? '/', 'http://x').searchParams.get('since');
        const exec = ID.test(id!) ? await deps.runs.find(id!) : undefined;
        if (!exec) return missing(res, id!, await readerOf(req));
        if (isTerminal(exec.status)) return endedStream(res, exec.status);
        if (!live.accepting()) throw new OpsgateError('ServiceUnavailable', msg('http:tooManyStreams'), 503);
        await live.subscribe();
        live.start(req, res, id!);
        // Read after subscribing and joining: a change is then either seen here or told by an event.
        const now = await currentVersion(deps, id!);
        if (!now || ended(now.status) || (since !== null && since !== now.version)) sendEvent(res, 'change', id!);
      },
    },
  ];
  return { routes, close: () => live.close() };
}
