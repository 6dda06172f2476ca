import type { IncomingMessage } from 'node:http';
import { rpcTimestamp } from '../../cloud/sign.js';
import { OpsgateError } from '../../errors.js';
import { fromAcceptLanguage, msg } from '../../i18n/index.js';
import { addLogContext, type Logger } from '../../log.js';
import type { RateLimiter } from '../auth/rate-limit.js';
import { invoke, told } from '../api/invoke.js';
import type { ApiAction } from '../api/router.js';
import type { Route } from '../server.js';
import { errorBody, sendRpc } from './answer.js';
import { readRpcRequest, type RpcRequest, unflatten } from './params.js';
import { ACS3, readAuthorization, verifyAcs3, verifyV1, type Verdict } from './signature.js';

/** The API Versions opsgate answers, and which actions each has; opsgate's own actions are in both. */
const VERSIONS: Record<string, (a: ApiAction) => boolean> = {
  '2019-06-01': (a) => a.style !== 'dms' || !!a.own,
  '2018-11-01': (a) => a.style === 'dms' || !!a.own,
};

/** The common parameters of every call: the gateway's business, not the action's input. */
const COMMON = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'SignatureType',
  'Timestamp',
  'SecurityToken',
  'BearerToken',
]);

/** Alibaba Cloud accepts a signed call for 15 minutes either side of its clock; so does opsgate. */
export const WINDOW_MS = 15 * 60_000;

export interface RpcDeps {
  actions: Record<string, ApiAction>;
  /** OPSGATE_ACCESS_KEYS: AccessKeyId to its user and secret. */
  accessKeys: Map<string, { user: string; secret: string }>;
  /** Whether the user is in the directory now: a key acts only while its user is. */
  known(user: string): boolean;
  /** Records a SignatureNonce of a key for ttlMs; false when it was recorded already. */
  firstUse(accessKeyId: string, nonce: string, ttlMs: number): Promise<boolean>;
  limiter?: RateLimiter;
  log: Logger;
  now?: () => number;
}

/** Who signed a call and what it asks for. */
interface Signed {
  accessKeyId: string;
  user: string;
  action: string;
  version: string;
  xml: boolean;
}

const refuse = (code: string, key: Parameters<typeof msg>[0], vars: Record<string, string> = {}, status = 400) =>
  new OpsgateError(code, msg(key, vars), status);

const missing = (name: string) => refuse('MissingParameter', 'api:rpcMissing', { name });

/**
 * Alibaba Cloud's RPC style at `/`: `POST /` (and `GET /?Action=...`) with Action and Version, signed
 * with an AccessKey of OPSGATE_ACCESS_KEYS either way the official SDKs sign (v1 HMAC-SHA1 or
 * ACS3-HMAC-SHA256). A call is checked in full (key, clock, signature, nonce, rate) before anything
 * is read or changed; then the action runs as the key's user, as it would at /api.
 */
export function rpcRoutes(d: RpcDeps): Route[] {
  const now = d.now ?? Date.now;

  async function handle(req: IncomingMessage, res: Parameters<Route['handle']>[1]): Promise<void> {
    const requestId = String(res.getHeader('x-request-id'));
    const locale = fromAcceptLanguage(req.headers['accept-language']) ?? 'en';
    const host = req.headers.host ?? '';
    const hostId = /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host) ? host : 'opsgate';
    let signed: Signed | undefined;
    let action: ApiAction | undefined;
    try {
      const r = await readRpcRequest(req);
      signed = await authenticate(req, r);
      addLogContext({ action: signed.action });
      const inVersion = VERSIONS[signed.version];
      if (!inVersion) throw refuse('InvalidVersion', 'api:rpcVersion', { version: signed.version });
      action = Object.hasOwn(d.actions, signed.action) ? d.actions[signed.action] : undefined;
      if (!action || !inVersion(action))
        throw refuse(
          'InvalidAction.NotFound',
          'api:rpcNoAction',
          { name: signed.action, version: signed.version },
          404,
        );
      const params = [...r.query, ...r.form].filter(([k]) => !COMMON.has(k));
      const body = await invoke(action, unflatten(params), { user: signed.user, requestId }, locale);
      sendRpc(res, 200, `${signed.action}Response`, body, signed.xml);
    } catch (err) {
      const e = told(err, d.log, { action: signed?.action, requestId });
      if (e.status < 500 && !action)
        d.log.info({ code: e.code, accessKeyId: signed?.accessKeyId ?? accessKeyIdOf(req) }, 'rpc call refused');
      const xml = signed?.xml ?? /^xml$/i.test(new URL(req.url ?? '/', 'http://x').searchParams.get('Format') ?? '');
      sendRpc(res, e.status, 'Error', errorBody(e, { requestId, hostId, locale, dms: action?.style === 'dms' }), xml);
    }
  }

  /** The caller, proven; or the refusal Alibaba Cloud gives, in the order its gateway checks. */
  async function authenticate(req: IncomingMessage, r: RpcRequest): Promise<Signed> {
    const acs3 = (req.headers.authorization ?? '').startsWith('ACS3-');
    const headers = req.headersDistinct as Record<string, string[] | undefined>;
    const header = (name: string) => headers[name]?.[0];
    const param = (name: string) => {
      const v = r.query.get(name) ?? r.form.get(name);
      return typeof v === 'string' ? v : undefined;
    };
    if (param('SecurityToken') !== undefined || header('x-acs-security-token') !== undefined)
      throw refuse('InvalidSecurityToken.NotSupported', 'api:rpcSts');

    let accessKeyId: string;
    let nonce: string | undefined;
    let time: string | undefined;
    let check: (secret: string) => Verdict;
    let action: string | undefined;
    let version: string | undefined;
    if (acs3) {
      const auth = readAuthorization(req.headers.authorization);
      if (!auth) throw refuse('IncompleteSignature', 'api:rpcAuthorization', { algorithm: ACS3 });
      for (const h of ['x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'])
        if (!header(h)) throw missing(h);
      // Every header that decides anything is signed: host, every x-acs-*, and the body's type.
      for (const h of Object.keys(headers))
        if ((h === 'host' || h === 'content-type' || h.startsWith('x-acs-')) && !auth.signedHeaders.includes(h))
          throw refuse('IncompleteSignature', 'api:rpcUnsignedHeader', { name: h });
      accessKeyId = auth.accessKeyId;
      nonce = header('x-acs-signature-nonce');
      time = header('x-acs-date');
      action = header('x-acs-action');
      version = header('x-acs-version');
      if ((param('Action') ?? action) !== action || (param('Version') ?? version) !== version)
        throw refuse('InvalidParameter', 'api:rpcHeadersDisagree');
      check = (secret) =>
        verifyAcs3({ ...r, headers, signedHeaders: auth.signedHeaders, signature: auth.signature }, secret);
    } else {
      const signature = param('Signature');
      for (const name of ['AccessKeyId', 'Signature', 'SignatureNonce', 'Timestamp', 'Action', 'Version'])
        if (!param(name)) throw missing(name);
      if (param('SignatureMethod') !== 'HMAC-SHA1' || (param('SignatureVersion') ?? '1.0') !== '1.0')
        throw refuse('InvalidParameter', 'api:rpcSignatureMethod');
      // v1 signs parameters as text: a JSON body has none to sign.
      if ([...r.form.values()].some((v) => typeof v !== 'string')) throw refuse('InvalidParameter', 'api:rpcV1Form');
      accessKeyId = param('AccessKeyId')!;
      nonce = param('SignatureNonce');
      time = param('Timestamp');
      action = param('Action');
      version = param('Version');
      const all = new Map<string, string>([...r.query, ...(r.form as Map<string, string>)]);
      check = (secret) => verifyV1(r.method, all, signature!, secret);
    }

    const key = d.accessKeys.get(accessKeyId);
    if (!key) throw refuse('InvalidAccessKeyId.NotFound', 'api:rpcKeyNotFound', {}, 404);
    if (!d.known(key.user)) throw refuse('InvalidAccessKeyId.Inactive', 'api:rpcKeyInactive', { user: key.user }, 403);
    const at = timeOf(time!);
    const skew = Math.abs(now() - at);
    if (skew > WINDOW_MS)
      throw refuse('InvalidTimeStamp.Expired', 'api:rpcTimestampExpired', {
        value: time!,
        now: rpcTimestamp(new Date(now())),
      });
    const verdict = check(key.secret);
    if (!verdict.ok)
      throw verdict.payload
        ? refuse('SignatureDoesNotMatch', 'api:rpcPayloadMismatch')
        : refuse('SignatureDoesNotMatch', 'api:rpcSignatureMismatch', { stringToSign: verdict.stringToSign });
    // Only a signed call spends its nonce: nobody else can use up another's. Kept until its time leaves the window.
    if (!(await d.firstUse(accessKeyId, nonce!, Math.max(1000, at + WINDOW_MS - now()))))
      throw refuse('SignatureNonceUsed', 'api:rpcNonceUsed');
    const limited = await d.limiter?.take(accessKeyId);
    if (limited && !limited.ok)
      throw refuse('Throttling.User', 'api:rpcThrottled', { limit: String(d.limiter!.limit) });
    const format = param('Format');
    return { accessKeyId, user: key.user, action: action!, version: version!, xml: /^xml$/i.test(format ?? '') };
  }

  const route = (method: 'GET' | 'POST'): Route => ({
    method,
    path: /^\/$/,
    // A plain GET / is the console's; a GET that carries an action is a call.
    when: method === 'GET' ? (req, url) => url.searchParams.has('Action') || !!req.headers['x-acs-action'] : undefined,
    handle: (req, res) => handle(req, res),
  });
  return [route('POST'), route('GET')];
}

/** A signed time: `2026-11-28T10:00:00Z` (milliseconds allowed); anything else is refused, naming it. */
function timeOf(value: string): number {
  const at = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at))
    throw refuse('InvalidTimeStamp.Format', 'api:rpcTimestampFormat', { value: value.slice(0, 64) });
  return at;
}

/** For the log of a refused call: the AccessKeyId it named (an identifier, not a secret), if any. */
function accessKeyIdOf(req: IncomingMessage): string | undefined {
  const id =
    readAuthorization(req.headers.authorization)?.accessKeyId ??
    new URL(req.url ?? '/', 'http://x').searchParams.get('AccessKeyId');
  return id && /^[A-Za-z0-9_.-]{1,128}$/.test(id) ? id : undefined;
}
