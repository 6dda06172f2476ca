import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/bin/config.js';
import { createLogger } from '../../src/log.js';
import { createRuntime, startStepWorker, type Runtime } from '../../src/bin/runtime.js';
import { startWeb } from '../../src/bin/web.js';
import { deletePrefix } from '../../src/store/redis.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const SIGNING_SECRET = 'test-signing-secret';
export const BOT_TOKEN = 'xoxb-test-token';

export interface Opsgate {
  rt: Runtime;
  url: string;
  prefix: string;
  /** The environment a child process needs to join this instance (same Redis, same prefix). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A real opsgate on loopback with a random key prefix on the real Redis: web (console, Slack when
 * slackApiUrl is given) and, unless told otherwise, a worker. close() deletes every key it made.
 */
export async function startOpsgate(
  opts: { slackApiUrl?: string; worker?: boolean; env?: Record<string, string> } = {},
): Promise<Opsgate> {
  const prefix = `ogt-${randomBytes(5).toString('hex')}`;
  const env: Record<string, string> = {
    REDIS_URL,
    OPSGATE_KEY_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OPSGATE_TEMPLATES: 'test/fixtures/runbooks',
    OPSGATE_DIRECTORY: 'test/fixtures/directory.yaml',
    ...(opts.slackApiUrl
      ? { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: opts.slackApiUrl }
      : {}),
    ...opts.env,
  };
  const config = loadConfig(env);
  const log = createLogger(config.logLevel);
  // REDIS_CLUSTER_NODES or REDIS_SENTINELS in `env` put this opsgate on that topology instead.
  const rt = createRuntime(config, config.redis.kind === 'url' ? REDIS_URL : config.redis, log);
  const web = await startWeb(rt);
  const worker = opts.worker === false ? undefined : startStepWorker(rt);
  return {
    rt,
    url: web.url,
    prefix,
    env: { ...env, PUBLIC_URL: web.url },
    async close() {
      await worker?.close();
      await web.close();
      await deletePrefix(rt.redis, `*${prefix}*`);
      await rt.close();
    },
  };
}

/** Polls until fn returns a value (not undefined/false), or fails naming what it waited for. */
export async function until<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The approval ticket an execution waits for, once it waits for one. */
export function waitingTicket(og: Opsgate, id: string): Promise<string> {
  return until(async () => {
    const e = await og.rt.executionStore.get(id);
    const t = e.current ? e.tasks[e.current] : undefined;
    return e.status === 'Waiting' && t?.data?.ticketId ? String(t.data.ticketId) : undefined;
  }, `${id} to wait for approval`);
}

/** An execution once it ended (Success, Failed or Cancelled). */
export function ended(og: Opsgate, id: string, timeoutMs = 15_000) {
  return until(
    async () => {
      const e = await og.rt.executionStore.get(id);
      return ['Success', 'Failed', 'Cancelled'].includes(e.status) && e;
    },
    `${id} to end`,
    timeoutMs,
  );
}

/**
 * POSTs JSON to the console as its page does: with the CSRF token /console/state hands out (and a session
 * cookie, if given).
 */
export async function consolePost(
  og: Pick<Opsgate, 'url'>,
  path: string,
  body: unknown,
  cookie?: string,
): Promise<Response> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const { csrf } = (await (await fetch(`${og.url}/console/state`, { headers })).json()) as { csrf: string };
  return fetch(`${og.url}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A session cookie, signed in through the sign-in form with an API token. */
export async function signIn(og: Pick<Opsgate, 'url'>, token: string): Promise<string> {
  const r = await fetch(`${og.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, next: '/' }).toString(),
  });
  if (r.status !== 303) throw new Error(`sign-in answered ${r.status}: ${await r.text()}`);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

/** POSTs JSON to /api/{action} with a bearer token: the answer's status and body. */
export async function callApi(
  og: Pick<Opsgate, 'url'>,
  token: string,
  action: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, any> }> {
  const r = await fetch(`${og.url}/api/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}
