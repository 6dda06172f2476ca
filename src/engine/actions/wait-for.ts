import { OpsgateError } from '../../errors.js';
import type { Task } from '../../template/schema.js';
import { expectation, probe, probeNeeds, probeSchema, type Probe } from './check-for.js';
import { retryDelaySeconds } from '../retry.js';
import { parseDuration } from './sleep.js';
import { type Msg, msg } from '../../i18n/index.js';
import { inner, said, saidBy, type Said } from '../message.js';
import type { BuiltinAction } from './types.js';

/** How often and how far apart a WaitFor polls: the task's Retries, DelayType, Delay, BackOff, MaxRetryInterval. */
export interface RetryPolicy {
  retries: number;
  /** Milliseconds to wait after poll n (0 for the first). */
  delayMs(n: number): number;
}

/** Defaults and ranges of the ACS::WaitFor documentation: Retries 10 in [0,300]; Delay and BackOff 2 in [1,3600]. */
export function retryPolicy(
  task: Pick<Task, 'Retries' | 'DelayType' | 'Delay' | 'BackOff' | 'MaxRetryInterval'>,
): RetryPolicy | Said {
  const num = (v: unknown, name: string, dflt: number, min: number, max: number): number | Msg => {
    if (v === undefined || v === null || v === '') return dflt;
    const n = Number(v);
    return Number.isFinite(n) && n >= min && n <= max
      ? n
      : msg('actions:numberOutOfRange', { name, min, max, value: JSON.stringify(v) });
  };
  const retries = num(task.Retries, 'Retries', 10, 0, 300);
  const delay = num(task.Delay, 'Delay', 2, 0, 3600);
  const backOff = num(task.BackOff, 'BackOff', 2, 0, 3600);
  // Undocumented default: no wait longer than the longest Delay allowed, so Exponential stays sane at
  // 300 retries. Seconds, or a duration such as PT5M as the worker's own retries accept.
  const capMs =
    task.MaxRetryInterval === undefined || task.MaxRetryInterval === null
      ? 3_600_000
      : parseDuration(task.MaxRetryInterval);
  const cap =
    capMs !== undefined && capMs >= 1000
      ? capMs / 1000
      : msg('actions:maxRetryIntervalInvalid', { value: JSON.stringify(task.MaxRetryInterval) });
  for (const v of [retries, delay, backOff, cap]) if (typeof v !== 'number') return said(v.key, v.values);
  const [r, d, b, c] = [retries, delay, backOff, cap] as number[] as [number, number, number, number];
  const named = String(task.DelayType ?? 'Exponential').toLowerCase();
  const type = ({ exponential: 'Exponential', constant: 'Constant', linear: 'Linear' } as const)[named];
  if (!type) return said('actions:delayTypeInvalid', { value: JSON.stringify(task.DelayType) });
  return { retries: Math.floor(r), delayMs: (n) => retryDelaySeconds(type, n, d, b, c) * 1000 };
}

/** What a waiting WaitFor keeps on its task record between polls. */
interface WaitData {
  polls: number;
  nextAt: number;
  last: string;
}

/**
 * ACS::WaitFor: polls an API until the PropertySelector value is desired. Between polls it returns
 * `wait` with resumeAt, so no worker is held; the poll count lives in the task record's data.
 */
export const waitFor: BuiltinAction = {
  name: 'ACS::WaitFor',
  schema: probeSchema,
  needs: probeNeeds,
  retries: false,
  async run({ task, properties, record, ports }) {
    const policy = retryPolicy(task);
    if ('message' in policy) return { kind: 'failed', ...policy };
    const data = record?.data as Partial<WaitData> | undefined;
    const polls = typeof data?.polls === 'number' ? data.polls : 0;
    // Woken before its time (a worker restart): keep waiting, do not poll early.
    if (typeof data?.nextAt === 'number' && ports.now() < data.nextAt) {
      return {
        kind: 'wait',
        ...said('actions:waitingLastValue', { value: data.last ?? '?' }),
        data: { ...data },
        resumeAt: data.nextAt,
      };
    }
    const selector = String(properties.PropertySelector ?? '').trim();
    let seen: Probe | undefined;
    let trouble: Msg | string | undefined;
    try {
      seen = await probe(properties, ports.cloud);
    } catch (err) {
      // A template mistake will not mend by waiting; a network failure may.
      if (err instanceof OpsgateError) return { kind: 'failed', ...saidBy(err) };
      trouble = inner(saidBy(err));
    }
    if (seen?.desired) return { kind: 'success', result: seen.answer };
    const noAnswer = said('actions:noAnswer', { cause: trouble });
    const value = seen ? seen.shown : noAnswer.text;
    const at = { selector, value, error: seen?.error };
    if (seen?.stop)
      return { kind: 'failed', ...said(seen.error ? 'actions:stopValueApiError' : 'actions:stopValue', at) };
    if (polls >= policy.retries) {
      const values = { ...at, polls: polls + 1, expectation: expectation(properties) };
      return { kind: 'failed', ...said(seen?.error ? 'actions:stillGaveApiError' : 'actions:stillGave', values) };
    }
    const nextAt = ports.now() + policy.delayMs(polls);
    const next: WaitData = { polls: polls + 1, nextAt, last: seen ? seen.shown : noAnswer.message };
    const poll = { selector, value, poll: polls + 2, polls: policy.retries + 1, at: new Date(nextAt).toISOString() };
    return { kind: 'wait', ...said('actions:waitingPoll', poll), data: { ...next }, resumeAt: nextAt };
  },
};
