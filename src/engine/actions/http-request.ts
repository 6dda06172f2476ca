import { parseDuration } from './sleep.js';
import type { Action } from './types.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

/**
 * ACS::ExecuteHttpRequest {Method, URL, Headers, Body, Timeout}. The result for selectors is
 * {StatusCode, Headers, Body}, Body parsed when it is JSON. A status of 400 or more fails the task.
 */
export const httpRequest: Action = {
  async run({ properties, idempotencyKey, ports }) {
    const method = String(properties.Method ?? 'GET').toUpperCase();
    if (!METHODS.has(method))
      return { kind: 'failed', message: `Method ${method} is not one of ${[...METHODS].join(', ')}` };
    let url: URL;
    try {
      url = new URL(String(properties.URL));
    } catch {
      return { kind: 'failed', message: `URL ${JSON.stringify(properties.URL)} is not a URL` };
    }
    if (!/^https?:$/.test(url.protocol)) return { kind: 'failed', message: 'URL must be http or https' };
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
      const e = err as Error;
      return {
        kind: 'failed',
        message:
          `${method} ${url.origin}${url.pathname}: ` +
          `${e.name === 'TimeoutError' ? `no answer in ${timeout / 1000}s` : e.message}`,
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
      return { kind: 'failed', message: `${method} ${url.origin}${url.pathname} answered ${res.status}` };
    return { kind: 'success', result };
  },
};
