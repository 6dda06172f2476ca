import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { OpsgateError } from '../../errors.js';
import { fromAcceptLanguage, msg } from '../../i18n/index.js';
import { addLogContext, type Logger } from '../../log.js';
import { readJson, sendJson } from '../respond.js';
import { toXml } from './xml.js';
import type { BearerAuth } from '../auth/bearer.js';
import type { RateLimiter } from '../auth/rate-limit.js';
import type { Route } from '../server.js';
import { invoke, told } from './invoke.js';
import { apiMessage } from './message.js';

export interface ApiContext {
  user: string;
  requestId: string;
}

/** One /api action: its input schema and what it does; errors answer in OOS or DMS shape. */
export interface ApiAction<S extends z.ZodType = z.ZodType> {
  input: S;
  style?: 'oos' | 'dms';
  /** opsgate's own, in neither OOS nor DMS: the RPC endpoint answers it under either API Version. */
  own?: boolean;
  run(input: z.infer<S>, ctx: ApiContext): Promise<Record<string, unknown>>;
}

export function defineAction<S extends z.ZodType>(action: ApiAction<S>): ApiAction {
  return action as unknown as ApiAction;
}

/** POST /api/{Action}: JSON in, JSON out, Alibaba-style names; every answer carries RequestId. */
export function apiRoute(
  actions: Record<string, ApiAction>,
  auth: BearerAuth,
  log: Logger,
  limiter?: RateLimiter,
): Route {
  return {
    method: 'POST',
    path: /^\/api\/([A-Za-z]+)$/,
    async handle(req, res, [name]) {
      // The X-Request-Id of this request: one id in the answer, its header and its log lines.
      const requestId = String(res.getHeader('x-request-id') ?? randomUUID());
      addLogContext({ action: name! });
      const action = Object.hasOwn(actions, name!) ? actions[name!] : undefined;
      // Messages in English, as OOS answers, unless the caller asks for a language opsgate speaks.
      const locale = fromAcceptLanguage(req.headers['accept-language']) ?? 'en';
      let xml = false;
      const answer = (status: number, body: Record<string, unknown>) => {
        if (!xml) return sendJson(res, status, body);
        const text = toXml(`${name!}Response`, body);
        res.writeHead(status, {
          'content-type': 'application/xml; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      const fail = (e: OpsgateError) => {
        const message = apiMessage(e, locale);
        answer(
          e.status,
          action?.style === 'dms'
            ? { RequestId: requestId, Success: false, ErrorCode: e.code, ErrorMessage: message }
            : { RequestId: requestId, Code: e.code, Message: message },
        );
      };
      const bearer = await auth.check(req);
      if (!bearer.ok && bearer.status === 429) {
        res.setHeader('retry-after', String(bearer.retryAfter));
        return fail(
          new OpsgateError(
            'Throttling.User',
            msg('api:tooManyWrongTokens', { seconds: String(bearer.retryAfter) }),
            429,
          ),
        );
      }
      if (!bearer.ok) {
        res.setHeader('www-authenticate', 'Bearer');
        return fail(
          new OpsgateError('InvalidAuthorization', msg(auth.enabled ? 'api:tokenRequired' : 'api:apiOff'), 401),
        );
      }
      const { user, token } = bearer;
      const limited = await limiter?.take(token);
      if (limited && !limited.ok) {
        res.setHeader('retry-after', String(limited.retryAfter));
        return fail(new OpsgateError('Throttling.User', msg('api:throttled', { limit: String(limiter!.limit) }), 429));
      }
      if (!action) return fail(new OpsgateError('InvalidAction.NotFound', msg('api:noAction', { name }), 404));
      try {
        // Room for a 64 KB template escaped inside JSON; the actions check their own limits.
        const input = await readJson(req, 512 * 1024);
        // Alibaba Cloud answers XML when asked: Format=XML.
        xml = typeof input.Format === 'string' && input.Format.toUpperCase() === 'XML';
        answer(200, await invoke(action, input, { user, requestId }, locale));
      } catch (err) {
        fail(told(err, log, { action: name, requestId }));
      }
    },
  };
}
