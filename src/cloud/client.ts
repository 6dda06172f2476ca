import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { CloudPort, CloudRequest } from '../engine/actions/types.js';
import { fetchFailure } from '../engine/fetch-failure.js';
import { SaidError } from '../engine/message.js';
import { CloudApiError, ParameterError } from '../errors.js';
import { msg } from '../i18n/index.js';
import { findService, isJsonParam, wireName, type ServiceInfo } from './endpoints.js';
import { canonicalQuery, md5Base64, roaStringToSign, rpcTimestamp, signRoa, signRpc } from './sign.js';

export interface CloudClientOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token, when the keys are temporary. */
  securityToken?: string;
  /** ALIBABA_CLOUD_ENDPOINT: one base URL for every call (a proxy; the loopback fake in tests). */
  endpoint?: string;
  /** Region of calls whose Parameters name none. */
  defaultRegion: string;
  fetch?: typeof globalThis.fetch;
  /** Per HTTP request; default 30 s. */
  timeoutMs?: number;
  /** Throttling answers retried before giving up; default 3. */
  throttleRetries?: number;
  /** Wait before throttling retry n (1, 2, ...); default 0.5 s, 1 s, 2 s plus jitter. */
  backoffMs?: (retry: number) => number;
}

type Http = { url: string; init: RequestInit };

/** Codes some APIs put in a successful answer (the list @alicloud/pop-core accepts). */
const SUCCESS_CODES = new Set(['200', 'OK', 'Success', 'success']);

/** A CloudPort that signs and sends OpenAPI calls; API errors reject with CloudApiError. */
export function createCloudClient(opts: CloudClientOptions): CloudPort {
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const retries = opts.throttleRetries ?? 3;
  const backoff = opts.backoffMs ?? ((n: number) => 500 * 2 ** (n - 1) + Math.random() * 250);

  async function once(req: CloudRequest): Promise<unknown> {
    const service = findService(req.service);
    const region = req.regionId ?? text(req.parameters.RegionId) ?? opts.defaultRegion;
    const base = (opts.endpoint ?? `https://${service.endpoint(region)}`).replace(/\/+$/, '');
    // Built per attempt: every retry needs a fresh nonce and timestamp.
    const http =
      service.style === 'rpc' ? rpcHttp(opts, service, req, base, region) : roaHttp(opts, service, req, base, region);
    let res: Response;
    try {
      res = await fetchFn(http.url, { ...http.init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      // Not an OpsgateError: a network failure may mend, so ACS::WaitFor polls on.
      const cause = fetchFailure(err, http.url, timeoutMs);
      throw new SaidError('actions:cloudUnreachable', { service: service.name, api: req.api, cause });
    }
    return answer(res);
  }

  return {
    async call(req) {
      for (let retry = 1; ; retry++) {
        try {
          return await once(req);
        } catch (err) {
          const throttled = err instanceof CloudApiError && err.apiCode.startsWith('Throttling');
          if (!throttled || retry > retries) throw err;
          await delay(backoff(retry));
        }
      }
    },
  };
}

/** RPC: every parameter, the common ones and the signature in a form-encoded POST body. */
function rpcHttp(
  opts: CloudClientOptions,
  service: ServiceInfo,
  req: CloudRequest,
  base: string,
  region: string,
): Http {
  const params: Record<string, string> = {
    ...rpcParams(service, req.api, req.parameters),
    Action: req.api,
    Format: 'JSON',
    Version: service.version,
    AccessKeyId: opts.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: rpcTimestamp(new Date()),
  };
  params.RegionId ??= region;
  if (opts.securityToken) params.SecurityToken = opts.securityToken;
  params.Signature = signRpc('POST', params, opts.accessKeySecret);
  return {
    url: `${base}/`,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: canonicalQuery(params),
    },
  };
}

/**
 * Template Parameters as RPC wants them: scalars as text, lists as repeat lists (`Tag.1.Key`) unless
 * the API takes JSON text for that name, maps as JSON text (OOS Parameters, TAG Tags).
 */
export function rpcParams(
  service: ServiceInfo,
  api: string,
  parameters: Record<string, unknown>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters ?? {})) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      const name = wireName(service, api, key);
      if (isJsonParam(service, api, name)) out[name] = JSON.stringify(value);
      else flatten(out, name, value);
    } else if (typeof value === 'object') out[key] = JSON.stringify(value);
    else out[key] = String(value);
  }
  return out;
}

function flatten(out: Record<string, string>, prefix: string, value: unknown): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) for (const [i, item] of value.entries()) flatten(out, `${prefix}.${i + 1}`, item);
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(out, `${prefix}.${k}`, v);
  else out[prefix] = String(value);
}

/** ROA: a REST path, Parameters in the query, Body as JSON, signed in the Authorization header. */
function roaHttp(
  opts: CloudClientOptions,
  service: ServiceInfo,
  req: CloudRequest,
  base: string,
  region: string,
): Http {
  const route = req.uri ? { method: req.method ?? 'GET', uri: req.uri } : service.paths?.[req.api];
  if (!route) throw new ParameterError(msg('actions:roaNeedsMethod', { service: service.name, api: req.api }));
  const method = route.method.toUpperCase();
  const [rawPath, rawQuery] = route.uri.split('?', 2) as [string, string | undefined];
  const path = rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
  const query: Record<string, string> = Object.fromEntries(new URLSearchParams(rawQuery ?? ''));
  for (const [k, v] of Object.entries(req.parameters ?? {})) {
    if (v !== null && v !== undefined) query[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  const body =
    req.body === undefined || req.body === null
      ? undefined
      : typeof req.body === 'string'
        ? req.body
        : JSON.stringify(req.body);
  const headers: Record<string, string> = {
    accept: 'application/json',
    date: new Date().toUTCString(),
    'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-signature-version': '1.0',
    'x-acs-version': service.version,
    'x-acs-region-id': region,
  };
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (opts.securityToken) headers['x-acs-security-token'] = opts.securityToken;
  if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-md5'] = md5Base64(body);
  }
  const signature = signRoa(roaStringToSign(method, path, query, headers), opts.accessKeySecret);
  headers.authorization = `acs ${opts.accessKeyId}:${signature}`;
  const qs = canonicalQuery(query);
  return { url: `${base}${path}${qs ? `?${qs}` : ''}`, init: { method, headers, body } };
}

/** The JSON answer, or a CloudApiError with the API's Code and Message. */
async function answer(res: Response): Promise<unknown> {
  const raw = await res.text();
  let body: unknown;
  try {
    body = raw ? JSON.parse(raw) : {};
  } catch {
    body = undefined;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    if (res.ok) return body ?? raw;
    throw new CloudApiError(`HTTP.${res.status}`, raw.slice(0, 300) || res.statusText, undefined, res.status);
  }
  const b = body as Record<string, unknown>;
  // ROA services (CS) answer errors in lower camel case.
  const code = text(b.Code ?? b.code);
  const failed =
    !res.ok ||
    (code !== undefined && !SUCCESS_CODES.has(code) && b.Success !== true && (b.Message ?? b.message) !== undefined);
  if (!failed) return body;
  const message = text(b.Message ?? b.message) ?? res.statusText;
  throw new CloudApiError(code ?? `HTTP.${res.status}`, message, text(b.RequestId ?? b.requestId), res.status);
}

function text(v: unknown): string | undefined {
  return v === null || v === undefined || v === '' ? undefined : String(v);
}
