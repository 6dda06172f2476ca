import { asOpsgateError, OpsgateError } from '../../errors.js';
import { type Locale, msg } from '../../i18n/index.js';
import type { Logger } from '../../log.js';
import { issueText, zodErrorsIn } from './message.js';
import type { ApiAction, ApiContext } from './router.js';

/**
 * One action called with its input, as /api and the RPC endpoint (src/http/rpc) both call it: the input
 * checked against the action's schema (a wrong one is MissingParameter or InvalidParameter naming the
 * field), then run. The answer is the action's body under RequestId (and Success, DMS-style).
 */
export async function invoke(
  action: ApiAction,
  input: Record<string, unknown>,
  ctx: ApiContext,
  locale: Locale,
): Promise<Record<string, unknown>> {
  const parsed = action.input.safeParse(input, { reportInput: true, ...zodErrorsIn(locale) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    const missing = issue.input === undefined && issue.code !== 'unrecognized_keys' && issue.code !== 'custom';
    // DMS names the missing field in its code (MissingWorkflowInstanceId); OOS says MissingParameter.
    throw new OpsgateError(
      missing ? (action.style === 'dms' ? `Missing${field}` : 'MissingParameter') : 'InvalidParameter',
      missing ? msg('api:fieldMandatory', { field }) : msg('api:fieldProblem', { field, problem: issueText(issue) }),
    );
  }
  const body = await action.run(parsed.data, ctx);
  return action.style === 'dms'
    ? { RequestId: ctx.requestId, ...body, Success: true }
    : { RequestId: ctx.requestId, ...body };
}

/**
 * What a caller is told of a failure: its own code and message, except that an internal error is
 * logged here and answered without its details (they may name hosts, keys or paths).
 */
export function told(err: unknown, log: Logger, where: Record<string, unknown>): OpsgateError {
  const e = asOpsgateError(err);
  if (e.status < 500) return e;
  log.error({ err: e.message, ...where }, 'api action failed');
  return new OpsgateError(e.code, msg('api:internalError'), e.status);
}
