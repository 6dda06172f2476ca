import { CloudApiError, ParameterError } from '../../errors.js';
import { type Msg, msg } from '../../i18n/index.js';
import { runJq } from '../../template/jq.js';
import { JqProgram } from '../../template/jq-program.js';
import { ex, list as listOf, name, props, req } from '../../template/property-fields.js';
import type { Problem } from '../../template/validate.js';
import { withLeadingDot } from '../../template/selector.js';
import { cloudCallFields, cloudRequestOf, describeCloudError } from './execute-api.js';
import { problem } from './problem.js';
import { inner, said, saidBy } from '../message.js';
import type { BuiltinAction, CloudPort } from './types.js';

/** WaitFor's and CheckFor's Properties: the call, then a jq PropertySelector compared with the values. */
export const probeSchema = props({
  ...cloudCallFields,
  PropertySelector: req(name),
  DesiredValues: ex(listOf()),
  NotDesiredValues: ex(listOf()),
  StopRetryValues: ex(listOf()),
});

export function probeNeeds(p: Record<string, unknown>): Problem[] {
  return p.DesiredValues === undefined && p.NotDesiredValues === undefined
    ? [problem(['DesiredValues'], 'actions:desiredValuesRequired')]
    : [];
}

/** What one look at the API saw. */
export interface Probe {
  /** The API's answer; for an API error, its {Code, Message, RequestId}, which selectors may test. */
  answer: unknown;
  /** Every value the PropertySelector yielded, as text. */
  values: string[];
  /** The values for messages: one value as is, several as a list. */
  shown: string;
  desired: boolean;
  stop: boolean;
  /** The API's error, when it answered one. */
  error?: Msg | string;
}

/** OOS compares as text: `0` matches '0', `true` matches 'true', `[]` matches []. */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}

/** A values list; one value written without a list (a `{{ }}` that resolved to text) counts as a list of it. */
function list(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return (Array.isArray(v) ? v : [v]).map(asText);
}

/**
 * One call and the PropertySelector over its answer. The jq results are kept apart rather than
 * taken through select(), which would merge a single list result into its items and so lose
 * `NotDesiredValues: [[]]`. Several results (`Instances.Instance[].Status`) are desired when every
 * one is, and stop when any one is a StopRetryValue; no result at all is null.
 */
export async function probe(properties: Record<string, unknown>, cloud: CloudPort): Promise<Probe> {
  const req = cloudRequestOf(properties);
  const selector = properties.PropertySelector;
  if (!(selector instanceof JqProgram) && (typeof selector !== 'string' || !selector.trim()))
    throw new ParameterError(msg('actions:selectorNotJq'));
  const desired = list(properties.DesiredValues);
  const notDesired = list(properties.NotDesiredValues);
  if (!desired && !notDesired) throw new ParameterError(msg('actions:desiredOrNotDesiredRequired'));
  const stopValues = list(properties.StopRetryValues) ?? [];
  let answer: unknown;
  let error: Msg | string | undefined;
  try {
    answer = await cloud.call(req);
  } catch (err) {
    // Templates test error codes with their selectors (`.Code|tostring`), so an API error is an answer.
    if (!(err instanceof CloudApiError)) throw err;
    answer = { RequestId: err.requestId, Code: err.apiCode, Message: err.message };
    error = inner(describeCloudError(req, err));
  }
  const results = await runJq(answer, withLeadingDot(selector), `PropertySelector ${String(selector).trim()}`);
  const values = (results.length ? results : [null]).map(asText);
  const ok = (v: string) => (!desired || desired.includes(v)) && !notDesired?.includes(v);
  return {
    answer,
    values,
    error,
    shown: clip(values.length === 1 ? values[0]! : JSON.stringify(values)),
    desired: values.every(ok),
    stop: values.some((v) => stopValues.includes(v)),
  };
}

/** Selected values can be whole instances; messages and task records keep a readable head. */
function clip(s: string): string {
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/** The condition in words, for failure messages. */
export function expectation(properties: Record<string, unknown>): Msg {
  const { DesiredValues: desired, NotDesiredValues: notDesired } = properties;
  return msg('actions:expectation', {
    which: desired && notDesired ? 'both' : desired ? 'desired' : notDesired ? 'notDesired' : 'none',
    desired: JSON.stringify(desired),
    notDesired: JSON.stringify(notDesired),
  });
}

/** ACS::CheckFor: one call; succeeds when the selected value is desired, otherwise fails naming it. */
export const checkFor: BuiltinAction = {
  name: 'ACS::CheckFor',
  schema: probeSchema,
  needs: probeNeeds,
  async run({ properties, ports }) {
    let seen: Probe;
    try {
      seen = await probe(properties, ports.cloud);
    } catch (err) {
      return { kind: 'failed', ...saidBy(err) };
    }
    if (seen.desired) return { kind: 'success', result: seen.answer };
    const values = {
      selector: String(properties.PropertySelector).trim(),
      value: seen.shown,
      expectation: expectation(properties),
      error: seen.error,
    };
    return { kind: 'failed', ...said(seen.error ? 'actions:checkFailedApiError' : 'actions:checkFailed', values) };
  },
};
