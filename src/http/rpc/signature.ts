import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { percentEncode, rpcStringToSign } from '../../cloud/sign.js';

/**
 * The two signatures of Alibaba Cloud's RPC calls, checked as the official clients compute them
 * (@alicloud/openapi-util `getRPCSignature` and `getAuthorization`, @alicloud/pop-core `RPCClient`).
 * Pure: given what arrived and the AccessKeySecret, whether it was signed with that secret, and
 * otherwise the string the server signed, which the caller is told as Alibaba Cloud tells it.
 */
export type Verdict = { ok: true } | { ok: false; stringToSign: string; payload?: 'mismatch' };

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Signature v1 (HMAC-SHA1): every parameter but Signature, query and form alike, sorted and
 * percent-encoded into `METHOD&%2F&...`, keyed with `secret&`.
 */
export function verifyV1(
  method: string,
  params: Map<string, string>,
  signature: string,
  accessKeySecret: string,
): Verdict {
  // Without a prototype: a parameter named __proto__ is signed like any other, not dropped by the setter.
  const signed: Record<string, string> = Object.create(null);
  for (const [k, v] of params) if (k !== 'Signature') signed[k] = v;
  const stringToSign = rpcStringToSign(method, signed);
  const expected = createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
  return same(expected, signature) ? { ok: true } : { ok: false, stringToSign };
}

export const ACS3 = 'ACS3-HMAC-SHA256';

const AUTHORIZATION =
  /^ACS3-HMAC-SHA256 Credential=([^,\s]{1,128}),\s?SignedHeaders=([a-z0-9;-]{1,2000}),\s?Signature=([0-9a-f]{64})$/;

/** `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`, read; undefined when it is not that. */
export function readAuthorization(
  header: string | undefined,
): { accessKeyId: string; signedHeaders: string[]; signature: string } | undefined {
  // Bounded on every part: a header is attacker's text.
  const m = AUTHORIZATION.exec(header ?? '');
  if (!m) return undefined;
  return { accessKeyId: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]! };
}

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * ACS3-HMAC-SHA256: the canonical request (method, path, sorted query, the signed headers' values,
 * their names, the payload's SHA-256), hashed, signed with HMAC-SHA256. The payload hash named in
 * x-acs-content-sha256 must be the body's: it is what the signature vouches for.
 */
export function verifyAcs3(
  r: {
    method: string;
    path: string;
    query: Map<string, string>;
    /** Each header's values as they arrived (node's headersDistinct). */
    headers: Record<string, string[] | undefined>;
    body: Buffer;
    signedHeaders: string[];
    signature: string;
  },
  accessKeySecret: string,
): Verdict {
  const payloadHash = r.headers['x-acs-content-sha256']?.[0] ?? '';
  const query = [...r.query.keys()]
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(r.query.get(k)!)}`)
    .join('&');
  const headers = r.signedHeaders
    .map(
      (h) =>
        `${h}:${(r.headers[h] ?? [])
          .map((v) => v.trim())
          .sort()
          .join(',')}\n`,
    )
    .join('');
  const canonical = [r.method, r.path, query, headers, r.signedHeaders.join(';'), payloadHash].join('\n');
  const stringToSign = `${ACS3}\n${sha256Hex(canonical)}`;
  const expected = createHmac('sha256', accessKeySecret).update(stringToSign).digest('hex');
  if (!same(expected, r.signature)) return { ok: false, stringToSign: `${stringToSign}\n\n${canonical}` };
  // Signed, but not over this body: the body was changed on the way.
  if (!same(payloadHash, sha256Hex(r.body))) return { ok: false, stringToSign, payload: 'mismatch' };
  return { ok: true };
}
