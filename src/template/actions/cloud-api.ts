import { z } from 'zod';
import { any, ex, flag, list, map, name, props, req, text } from './fields.js';

/**
 * ACS::ExecuteAPI (ACS::ExecuteApi), ACS::WaitFor and ACS::CheckFor. The API's own parameters are
 * free-form, but they go under Parameters: the top level is OOS's fixed set, ROA's Method, URI,
 * Headers and Body included.
 */
const call = {
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

export const executeApiSchema = props(call);

/** WaitFor and CheckFor: the call, then a jq PropertySelector compared with the values. */
export const probeSchema = props({
  ...call,
  PropertySelector: req(name),
  DesiredValues: ex(list()),
  NotDesiredValues: ex(list()),
  StopRetryValues: ex(list()),
});

export function probeNeeds(p: Record<string, unknown>): { path: string[]; message: string }[] {
  return p.DesiredValues === undefined && p.NotDesiredValues === undefined
    ? [{ path: ['DesiredValues'], message: 'is required (or NotDesiredValues)' }]
    : [];
}
