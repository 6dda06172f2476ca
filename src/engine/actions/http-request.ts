import { z } from 'zod';
import { t } from '../../i18n/index.js';
import { fetchFailure } from '../fetch-failure.js';
import { said } from '../message.js';
import { any, duration, ex, map, props, req } from '../../template/property-fields.js';
import { parseDuration } from './sleep.js';
import type { BuiltinAction } from './types.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);
const METHOD_LIST = [...METHODS].join(', ');
// Without placeholders, so that validation finds its catalogue text by its English (as every property message).
const ONE_OF_METHODS = t('en', 'actions:mustBeMethod');
const HTTP_URL = t('en', 'actions:httpUrl');

function isHttpUrl(u: string): boolean {
  try {
    return /^https?:$/.test(new URL(u).protocol);
  } catch {
    return false;
  }
}

/**
 * ACS::ExecuteHttpRequest {Method, URL, Headers, Body, Timeout}. The result for selectors is
 * {StatusCode, Headers, Body}, Body parsed when it is JSON. A status of 400 or more fails the task.
 */
export const httpRequest: BuiltinAction = {
  name: 'ACS::ExecuteHttpRequest',
  // OOS's Method, URL, Headers, Body, and opsgate's Timeout.
  schema: props({
    Method: ex(z.string({ error: ONE_OF_METHODS }).refine((m) => METHODS.has(m.toUpperCase()), ONE_OF_METHODS)),
    URL: req(z.string({ error: HTTP_URL }).refine(isHttpUrl, HTTP_URL)),
    Headers: ex(map),
    Body: any,
    Timeout: ex(duration),
  }),
  // OOS documents them; opsgate would ignore them, so they are refused rather than silently dropped.
  unsupported: {
    Query: t('en', 'actions:queryInUrl'),
    WaitFor: t('en', 'actions:httpNoWaitFor'),
    CheckFor: t('en', 'actions:httpNoCheckFor'),
  },
  async run({ properties, idempotencyKey, ports }) {
    const method = String(properties.Method ?? 'GET').toUpperCase();
    if (!METHODS.has(method))
      return { kind: 'failed', ...said('actions:methodNotOneOf', { method, values: METHOD_LIST }) };
    let url: URL;
    try {
      url = new URL(String(properties.URL));
    } catch {
      return { kind: 'failed', ...said('actions:notAUrl', { url: JSON.stringify(properties.URL) }) };
    }
    if (!/^https?:$/.test(url.protocol)) return { kind: 'failed', ...said('actions:urlNotHttp') };
    const headers: Record<string, string> = { 'idempotency-key': idempotencyKey };
    for (const [k, v] of Object.entries((properties.Headers as Record<string, unknown>) ?? {}))
      headers[k.toLowerCase()] = String(v);
    let body: string | undefined;
    if (properties.Body !== undefined && method !== 'GET' && method !== 'HEAD') {
      body = typeof properties.Body === 'string' ? properties.Body : JSON.stringify(properties.Body);
      if (typeof properties.Body !== 'string') headers['content-type'] ??= 'application/json';
    }
    const timeout = parseDuration(properties.Timeout ?? 'PT30S') ?? 30_000;
    let res: Response;
    try {
      res = await ports.fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeout) });
    } catch (err) {
      const cause = fetchFailure(err, url, timeout);
      return {
        kind: 'failed',
        ...said('actions:requestFailed', { method, url: `${url.origin}${url.pathname}`, cause }),
      };
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep text */
      }
    }
    const result = { StatusCode: res.status, Headers: Object.fromEntries(res.headers), Body: parsed };
    if (res.status >= 400)
      return {
        kind: 'failed',
        ...said('actions:requestAnswered', { method, url: `${url.origin}${url.pathname}`, status: res.status }),
      };
    return { kind: 'success', result };
  },
};
