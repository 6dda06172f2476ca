import type { ServerResponse } from 'node:http';
import type { OpsgateError } from '../../errors.js';
import { type Locale, type MessageKey, t } from '../../i18n/index.js';
import { apiMessage } from '../api/message.js';
import { toXml } from '../api/xml.js';
import { sendJson } from '../respond.js';

/** What to do about a refusal, by its code (Alibaba Cloud's `Recommend`); anything else: find the request. */
const RECOMMEND: [RegExp, Extract<MessageKey, `api:${string}`>][] = [
  [/^InvalidAccessKeyId\./, 'api:recommendAccessKeys'],
  [/^(SignatureDoesNotMatch|IncompleteSignature)$/, 'api:recommendSignature'],
  [/^InvalidTimeStamp\./, 'api:recommendClock'],
  [/^SignatureNonceUsed$/, 'api:recommendNonce'],
  [/^InvalidSecurityToken\./, 'api:recommendSts'],
  [/^Throttling/, 'api:recommendThrottling'],
  [/^(InvalidAction\.NotFound|InvalidVersion)$/, 'api:recommendActions'],
];

/** One RPC answer: JSON, or XML when the call asked Format=XML, as Alibaba Cloud writes both. */
export function sendRpc(
  res: ServerResponse,
  status: number,
  root: string,
  body: Record<string, unknown>,
  xml: boolean,
): void {
  res.setHeader('x-acs-request-id', String(body.RequestId ?? ''));
  if (!xml) {
    sendJson(res, status, body);
    return;
  }
  const text = `<?xml version='1.0' encoding='UTF-8'?>${toXml(root, body)}`;
  // The exact type the SDKs test for before they read an error as XML.
  res.writeHead(status, { 'content-type': 'text/xml;charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * A refusal as Alibaba Cloud's gateway answers it: RequestId, HostId, Code, Message, Recommend (and
 * DMS's own Success/ErrorCode/ErrorMessage for its actions), under <Error> in XML.
 */
export function errorBody(
  e: OpsgateError,
  o: { requestId: string; hostId: string; locale: Locale; dms: boolean },
): Record<string, unknown> {
  const message = apiMessage(e, o.locale);
  const key = RECOMMEND.find(([code]) => code.test(e.code))?.[1] ?? 'api:recommendLog';
  return {
    RequestId: o.requestId,
    HostId: o.hostId,
    Code: e.code,
    Message: message,
    Recommend: t(o.locale, key, { requestId: o.requestId }),
    ...(o.dms ? { Success: false, ErrorCode: e.code, ErrorMessage: message } : {}),
  };
}
