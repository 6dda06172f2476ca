import type { IncomingMessage } from 'node:http';
import { OpsgateError } from '../../errors.js';
import { msg } from '../../i18n/index.js';
import { readBytes } from '../respond.js';

/** Room for a 64 KB template, percent-encoded, in a form body; the actions check their own limits. */
const BODY_LIMIT = 512 * 1024;
/** More parameters than any action takes, by far: a bound on what one request makes us sort and sign. */
const MAX_PARAMS = 500;
/** `Tags.1.Key` is three deep; nothing opsgate takes is deeper than this. */
const MAX_DEPTH = 4;
/** The largest list index a flattened parameter may name (`Tags.100.Key`). */
const MAX_INDEX = 1000;

/** An RPC request as it arrived: query and body parameters apart (ACS3 signs only the query), and the body. */
export interface RpcRequest {
  method: string;
  /** The path as sent, not decoded (ACS3 signs it so). */
  path: string;
  query: Map<string, string>;
  /** Form parameters, or a JSON body's members. */
  form: Map<string, unknown>;
  body: Buffer;
}

/** Reads query and body of an RPC call: a form (as the SDKs send) or a JSON object; anything else is refused. */
export async function readRpcRequest(req: IncomingMessage): Promise<RpcRequest> {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const query = pairs(new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)));
  // The bytes as sent: ACS3 signs their hash.
  const body = await readBytes(req, BODY_LIMIT);
  const text = body.toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  let form = new Map<string, unknown>();
  if (text && type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new OpsgateError('InvalidParameter', msg('http:bodyNotJson'));
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new OpsgateError('InvalidParameter', msg('http:bodyNotObject'));
    form = new Map(Object.entries(parsed));
  } else if (text) {
    if (type && type !== 'application/x-www-form-urlencoded')
      throw new OpsgateError('InvalidParameter', msg('api:rpcBodyType', { type }), 415);
    form = pairs(new URLSearchParams(text));
  }
  if (query.size + form.size > MAX_PARAMS)
    throw new OpsgateError('InvalidParameter', msg('api:rpcTooManyParameters', { max: String(MAX_PARAMS) }));
  for (const k of form.keys())
    if (query.has(k)) throw new OpsgateError('InvalidParameter', msg('api:rpcParameterTwice', { name: k }));
  return { method: (req.method ?? 'GET').toUpperCase(), path: q < 0 ? raw : raw.slice(0, q), query, form, body };
}

/** Each name once: a parameter given twice has no one value that the signature and the action agree on. */
function pairs(params: URLSearchParams): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of params) {
    if (out.has(k)) throw new OpsgateError('InvalidParameter', msg('api:rpcParameterTwice', { name: k }));
    if (out.size >= MAX_PARAMS)
      throw new OpsgateError('InvalidParameter', msg('api:rpcTooManyParameters', { max: String(MAX_PARAMS) }));
    out.set(k, v);
  }
  return out;
}

type Tree = Map<string, Tree | unknown>;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The action's input from flat parameters: `Tags.1.Key=a&Tags.1.Value=b` is `Tags: [{Key: 'a', Value: 'b'}]`
 * (lists are numbered from 1, as Alibaba Cloud flattens them), `Parameters.a=1` is `Parameters: {a: '1'}`.
 * Built from Maps, so that no name (`__proto__`) reaches an object's prototype.
 */
export function unflatten(params: Iterable<[string, unknown]>): Record<string, unknown> {
  const root: Tree = new Map();
  for (const [name, value] of params) {
    const path = name.split('.');
    // No action takes a `__proto__` or `constructor`: as a name it could only reach for a prototype.
    if (path.length > MAX_DEPTH || path.some((p) => p === '' || FORBIDDEN.has(p)))
      throw new OpsgateError('InvalidParameter', msg('api:rpcBadParameterName', { name }));
    let node = root;
    for (const [i, part] of path.entries()) {
      if (/^\d+$/.test(part) && (Number(part) < 1 || Number(part) > MAX_INDEX))
        throw new OpsgateError('InvalidParameter', msg('api:rpcBadParameterName', { name }));
      const last = i === path.length - 1;
      const have = node.get(part);
      // `Tags=...` beside `Tags.1.Key=...`: two values for one name.
      if (last ? have !== undefined : have !== undefined && !(have instanceof Map))
        throw new OpsgateError('InvalidParameter', msg('api:rpcParameterTwice', { name }));
      if (last) node.set(part, value);
      else {
        if (!have) node.set(part, new Map());
        node = node.get(part) as Tree;
      }
    }
  }
  // The top level is the action's input: an object even when every name is a number.
  return Object.fromEntries([...root].map(([n, v]) => [n, v instanceof Map ? plain(v) : v]));
}

/** A tree as plain values: a node whose names are all numbers is a list, in the order of its numbers. */
function plain(node: Tree): unknown {
  const names = [...node.keys()];
  if (names.length && names.every((n) => /^\d+$/.test(n)))
    return names
      .sort((a, b) => Number(a) - Number(b))
      .map((n) => {
        const v = node.get(n);
        return v instanceof Map ? plain(v) : v;
      });
  return Object.fromEntries(
    names.map((n) => [n, node.get(n) instanceof Map ? plain(node.get(n) as Tree) : node.get(n)]),
  );
}
