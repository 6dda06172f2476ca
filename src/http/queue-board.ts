import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { t } from '../i18n/index.js';
import type { Route } from './server.js';

export const BOARD_PATH = '/admin/queues';

/**
 * BullMQ's own dashboard (bull-board) over the step and notification queues. Read-only: a step
 * job retried, promoted or removed by hand would go around its execution's state, which the engine
 * alone changes (NotifyExecution's RetryTask and CancelExecution are the way to act on a run).
 */
export function queueBoardRoute(queues: Queue[]): Route {
  const adapter = new ExpressAdapter().setBasePath(BOARD_PATH);
  createBullBoard({
    // Shards of the steps queue share its name: each is told apart by its place (steps, 1/steps, ...).
    queues: queues.map((q) => {
      const shard = queues.filter((o) => o.name === q.name).indexOf(q);
      return new BullMQAdapter(q, { readOnlyMode: true, prefix: shard > 0 ? `${shard}/` : '' });
    }),
    serverAdapter: adapter,
    options: {
      // bull-board's own pages are in English: so are its title and the links back to opsgate's pages
      // (its menu at the top right). Its documentation link would leave the self-hosted site: hidden.
      uiConfig: {
        boardTitle: t('en', 'http:queuesTitle'),
        miscLinks: [
          { text: t('en', 'http:backToConsole'), url: '/' },
          { text: t('en', 'http:backToExecutions'), url: '/executions' },
        ],
        hideDocsLink: true,
      },
    },
  });
  const app = adapter.getRouter() as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  return {
    method: 'GET',
    path: new RegExp(`^${BOARD_PATH}(/.*)?$`),
    handle: (req, res) =>
      new Promise<void>((resolve, reject) => {
        // Mounted as Express would mount it: the app sees paths below its base.
        const url = new URL(req.url ?? '/', 'http://x');
        req.url = (url.pathname.slice(BOARD_PATH.length) || '/') + url.search;
        // Its page asks Google for fonts: a self-hosted dashboard loads nothing from elsewhere.
        // Its scripts are files (its one inline <script> is JSON data, which no CSP runs): script-src 'self' holds.
        res.setHeader(
          'content-security-policy',
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
            "font-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
        );
        res.setHeader('x-frame-options', 'DENY');
        res.once('finish', () => resolve());
        res.once('close', () => resolve());
        app(req, res, (err?: unknown) =>
          err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
        );
      }),
  };
}
