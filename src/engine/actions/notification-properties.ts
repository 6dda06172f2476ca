import { z } from 'zod';
import { any, ex, list, map, name, props, req, scalar, text } from '../../template/property-fields.js';
import { t } from '../../i18n/index.js';
import type { Problem } from '../../template/validate.js';
import { problem } from './problem.js';

/** OOS's WebHook and Mail notifications in Properties, shared by ACS::Notify and ACS::Approve. */

export const webhook = props({
  URI: req(name),
  Headers: ex(map),
  // The body as the receiving service wants it (a DingTalk robot's msgtype, text, at, ...).
  Content: any,
  // opsgate's: signs a DingTalk robot's messages.
  Secret: ex(text),
});

export const mail = props({
  Host: req(name),
  Port: ex(
    z.union([z.number().int().min(1).max(65535), z.string().regex(/^\d+$/)], { error: t('en', 'actions:portNumber') }),
  ),
  Username: ex(text),
  Password: ex(text),
  From: req(name),
  To: ex(z.union([text, list(ex(text))], { error: t('en', 'actions:addressOrList') })),
  Subject: ex(text),
  Body: ex(scalar),
});

export const notifyType = z.enum(['WebHook', 'Mail']);

/** What NotifyType needs beside it: its WebHook or Mail block (a missing URI fails the run otherwise). */
export function notifyNeeds(p: Record<string, unknown>, byDefault?: 'WebHook'): Problem[] {
  const type = p.NotifyType === undefined ? byDefault : typeof p.NotifyType === 'string' ? p.NotifyType : undefined;
  if (type === 'WebHook' && p.WebHook === undefined)
    return [problem(['WebHook'], 'actions:requiredWithNotifyType', { type })];
  if (type === 'Mail' && p.Mail === undefined) return [problem(['Mail'], 'actions:requiredWithNotifyType', { type })];
  return [];
}
