import { z } from 'zod';
import { any, duration, ex, map, props, req } from './fields.js';

function isHttpUrl(u: string): boolean {
  try {
    return /^https?:$/.test(new URL(u).protocol);
  } catch {
    return false;
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

/** ACS::ExecuteHttpRequest: Method, URL, Headers, Body, and opsgate's Timeout. */
export const httpRequestSchema = props({
  Method: ex(
    z
      .string({ error: `must be one of ${METHODS.join(', ')}` })
      .refine((m) => METHODS.includes(m.toUpperCase()), `must be one of ${METHODS.join(', ')}`),
  ),
  URL: req(z.string({ error: 'must be an http or https URL' }).refine(isHttpUrl, 'must be an http or https URL')),
  Headers: ex(map),
  Body: any,
  Timeout: ex(duration),
});

/** OOS documents them; opsgate would ignore them, so they are refused rather than silently dropped. */
export const httpRequestUnsupported = {
  Query: 'write the query parameters into the URL',
  WaitFor: 'opsgate does not poll an ExecuteHttpRequest; use ACS::WaitFor or a loop of tasks',
  CheckFor: "opsgate does not check an ExecuteHttpRequest's answer; select it into an output and use ACS::Choice",
};
