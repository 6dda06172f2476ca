import { z } from 'zod';
import { CloudApiError, ParameterError } from '../../errors.js';
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
  if (typeof p.Service !== 'string' || !p.Service.trim())
    throw new ParameterError('Service must name an Alibaba Cloud service, such as ECS');
  if (typeof p.API !== 'string' || !p.API.trim())
    throw new ParameterError('API must name an API operation, such as DescribeInstances');
  const parameters = p.Parameters ?? {};
  if (typeof parameters !== 'object' || Array.isArray(parameters))
    throw new ParameterError('Parameters must be a map of API parameters');
  const headers = p.Headers ?? undefined;
  if (headers !== undefined && (typeof headers !== 'object' || Array.isArray(headers)))
    throw new ParameterError('Headers must be a map');
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
export function describeCloudError(req: { service: string; api: string }, err: unknown): string {
  if (err instanceof CloudApiError) {
    return (
      `${req.service} ${req.api} failed: ${err.apiCode}: ${err.message}` +
      `${err.requestId ? ` (RequestId ${err.requestId})` : ''}`
    );
  }
  return (err as Error).message;
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
      return { kind: 'failed', message: (err as Error).message };
    }
    try {
      return { kind: 'success', result: await ports.cloud.call(req) };
    } catch (err) {
      return { kind: 'failed', message: describeCloudError(req, err) };
    }
  },
};
