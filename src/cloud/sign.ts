import { createHash, createHmac } from 'node:crypto';

/**
 * Alibaba Cloud request signing, version 1.0 with HMAC-SHA1: the RPC style (signature in the
 * query) and the ROA style (`Authorization: acs AK:signature`). Written here rather than taken from
 * @alicloud/pop-core, whose transport cannot be given a fetch, a timeout signal or our encoding of
 * nested parameters; the algorithm is the one pop-core and the RPC signature documentation use.
 */

/** RFC 3986 encoding as Alibaba Cloud wants it: encodeURIComponent leaves !'()* alone, the API does not. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `k=v&...` over every parameter, keys in byte order, both sides percent-encoded. */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`)
    .join('&');
}

export function rpcStringToSign(method: string, params: Record<string, string>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
}

/** The Signature parameter of an RPC request; `params` excludes Signature itself. */
export function signRpc(method: string, params: Record<string, string>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(rpcStringToSign(method, params)).digest('base64');
}

/** ISO 8601 in UTC without milliseconds, the only Timestamp form the API accepts. */
export function rpcTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * ROA string to sign: method, Accept, Content-MD5, Content-Type, Date, the x-acs-* headers sorted,
 * then the path with its query sorted and not encoded. Header names are expected in lower case.
 */
export function roaStringToSign(
  method: string,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): string {
  const head = [
    method.toUpperCase(),
    headers.accept ?? '',
    headers['content-md5'] ?? '',
    headers['content-type'] ?? '',
    headers.date ?? '',
  ].join('\n');
  const acs = Object.keys(headers)
    .filter((k) => k.startsWith('x-acs-'))
    .sort()
    .map((k) => `${k}:${headers[k]!.replace(/[\t\n\r\f]/g, ' ').trim()}\n`)
    .join('');
  const keys = Object.keys(query).sort();
  const resource = keys.length
    ? `${path}?${keys.map((k) => (query[k] === '' ? k : `${k}=${query[k]}`)).join('&')}`
    : path;
  return `${head}\n${acs}${resource}`;
}

export function signRoa(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha1', accessKeySecret).update(stringToSign, 'utf8').digest('base64');
}

export function md5Base64(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('base64');
}
