import { z } from 'zod';
import { CloudApiError, ParameterError } from '../../errors.js';
import { msg } from '../../i18n/index.js';
import { said, saidBy, type Said } from '../message.js';
import { any, ex, flag, map, name, props, req, text } from '../../template/property-fields.js';
import type { BuiltinAction, CloudRequest } from './types.js';

/**
 * The Properties of an OpenAPI call (ExecuteAPI, WaitFor and CheckFor). The API's own parameters are
 * free-form, but they go under Parameters: the top level is OOS's fixed set, ROA's Method, URI,
 * Headers and Body included.
 */
export const cloudCallFields = {
  Service: req(name),
  API: req(name),
  Parameters: ex(map),
  // OOS pages through results by itself unless false; opsgate makes the one call.
  AutoPaging: ex(flag),
  Risk: ex(z.enum(['Normal', 'High'])),
  Method: ex(text),
  URI: ex(text),
  Headers: ex(map),
  Body: any,
};

/** The OpenAPI call a task's Properties describe (ExecuteAPI, WaitFor and CheckFor share them). */
export function cloudRequestOf(p: Record<string, unknown>): CloudRequest {
  if (typeof p.Service !== 'string' || !p.Service.trim()) throw new ParameterError(msg('actions:serviceRequired'));
  if (typeof p.API !== 'string' || !p.API.trim()) throw new ParameterError(msg('actions:apiRequired'));
  const parameters = p.Parameters ?? {};
  if (typeof parameters !== 'object' || Array.isArray(parameters))
    throw new ParameterError(msg('actions:apiParametersNotMap'));
  const headers = p.Headers ?? undefined;
  if (headers !== undefined && (typeof headers !== 'object' || Array.isArray(headers)))
    throw new ParameterError(msg('actions:headersNotMap'));
  const req: CloudRequest = {
    service: p.Service.trim(),
    api: p.API.trim(),
    parameters: parameters as Record<string, unknown>,
  };
  if (typeof p.Method === 'string') req.method = p.Method;
  if (typeof p.URI === 'string') req.uri = p.URI;
  if (headers) req.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
  if (p.Body !== undefined && p.Body !== null) req.body = p.Body;
  return req;
}

/** A failed call for people: which API, the API's Code and Message, and the RequestId support asks for. */
export function describeCloudError(req: { service: string; api: string }, err: unknown): Said {
  if (!(err instanceof CloudApiError)) return saidBy(err);
  const values = { service: req.service, api: req.api, code: err.apiCode, detail: err.message };
  return err.requestId
    ? said('actions:cloudCallFailedRequest', { ...values, requestId: err.requestId })
    : said('actions:cloudCallFailed', values);
}

/** ACS::ExecuteAPI (also spelled ACS::ExecuteApi): one OpenAPI call; its JSON answer is the result. */
export const executeApi: BuiltinAction = {
  name: 'ACS::ExecuteAPI',
  schema: props(cloudCallFields),
  async run({ properties, ports }) {
    let req: CloudRequest;
    try {
      req = cloudRequestOf(properties);
    } catch (err) {
      return { kind: 'failed', ...saidBy(err) };
    }
    try {
      return { kind: 'success', result: await ports.cloud.call(req) };
    } catch (err) {
      return { kind: 'failed', ...describeCloudError(req, err) };
    }
  },
};
