import { ex, flag, props } from '../../template/property-fields.js';
import { mail, notifyNeeds, notifyType, webhook } from './notification-properties.js';
import { said } from '../message.js';
import type { BuiltinAction } from './types.js';

/**
 * ACS::Notify with NotifyType WebHook: posts Content to WebHook.URI with its Headers, the
 * execution link appended when AppendExecutionLink is true (default false for Notify). A throttled
 * or unreachable webhook is tried again a few times; then the task fails with the reason.
 */
export const notify: BuiltinAction = {
  name: 'ACS::Notify',
  // NotifyType WebHook (or Mail, which opsgate does not send from Notify yet: the task says so).
  schema: props({
    NotifyType: ex(notifyType),
    WebHook: ex(webhook),
    Mail: ex(mail),
    // Default false for ACS::Notify.
    AppendExecutionLink: ex(flag),
  }),
  needs: (p) => notifyNeeds(p, 'WebHook'),
  async run({ properties, ports, execution, record }) {
    const type = String(properties.NotifyType ?? 'WebHook');
    if (type !== 'WebHook') return { kind: 'failed', ...said('actions:notifyTypeUnsupported', { type }) };
    const hook = (properties.WebHook ?? {}) as {
      URI?: unknown;
      Headers?: Record<string, string>;
      Content?: unknown;
      Secret?: unknown;
    };
    if (typeof hook.URI !== 'string') return { kind: 'failed', ...said('actions:webhookUriNotUrl') };
    const link =
      properties.AppendExecutionLink === true || properties.AppendExecutionLink === 'true'
        ? `/executions/${execution.id}`
        : undefined;
    const r = await ports.webhook.send({
      uri: hook.URI,
      headers: hook.Headers,
      content: hook.Content ?? {},
      secret: typeof hook.Secret === 'string' ? hook.Secret : undefined,
      link,
    });
    if (r.ok) return { kind: 'success', result: { Sent: true } };
    const tries = Number(record?.data?.tries ?? 0) + 1;
    if (r.retry && tries < 4)
      return {
        kind: 'wait',
        ...said('actions:tryingAgain', { cause: r.message }),
        data: { tries },
        resumeAt: ports.now() + 2000 * 2 ** tries,
      };
    return { kind: 'failed', message: r.message };
  },
};
