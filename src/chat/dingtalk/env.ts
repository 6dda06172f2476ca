import { z } from 'zod';
import { envSection, url } from '../../config/env-section.js';
import { msg, t } from '../../i18n/index.js';
import { parseDuration } from '../../template/duration.js';
import { said } from '../../template/said.js';

export interface DingTalkOptions {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  cardTemplateId?: string;
  gatewayUrl?: string;
  apiUrl: string;
  /** Waits before people DingTalk held back are sent to again, one a retry. */
  retryDelaysMs?: number[];
}

/** DingTalk's variables, parsed in the one environment schema (config/env.ts); README's table lists them. */
export const dingtalkEnv = envSection({
  shape: {
    /** DingTalk Stream Mode robot: both, or neither. */
    DINGTALK_CLIENT_ID: z.string().min(1).optional(),
    DINGTALK_CLIENT_SECRET: z.string().min(1).optional(),
    /** The robot that sends cards and messages; default the client id. */
    DINGTALK_ROBOT_CODE: z.string().min(1).optional(),
    /** An interactive card template (card.dingtalk.com) for approval cards; absent: cards are messages. */
    DINGTALK_CARD_TEMPLATE_ID: z.string().min(1).optional(),
    /** DingTalk endpoints (tests, proxies). */
    DINGTALK_GATEWAY_URL: url().optional(),
    DINGTALK_API_URL: url().default('https://api.dingtalk.com'),
    DINGTALK_OAPI_URL: url().default('https://oapi.dingtalk.com'),
    /** Waits before each retry of people DingTalk held back (its flow control): ISO 8601, comma-separated. */
    DINGTALK_RETRY_AFTER: z
      .string()
      .default('PT1M,PT5M')
      .transform((v, ctx) => {
        const delays = v.split(',').map((d) => (/^P/i.test(d.trim()) ? parseDuration(d) : undefined));
        if (!v.trim() || delays.some((d) => d === undefined)) {
          ctx.addIssue({ code: 'custom', message: said(msg('dingtalk:mustBeRetryDurations')) });
          return z.NEVER;
        }
        return delays as number[];
      }),
  },
  check: (env, problem) => {
    if (!!env.DINGTALK_CLIENT_ID !== !!env.DINGTALK_CLIENT_SECRET) {
      problem(
        env.DINGTALK_CLIENT_ID ? 'DINGTALK_CLIENT_SECRET' : 'DINGTALK_CLIENT_ID',
        // Start-up problems are one English line for operators, as the other variables' are.
        t('en', 'dingtalk:keysTogether'),
      );
    }
  },
  settings: (env): DingTalkOptions | undefined =>
    env.DINGTALK_CLIENT_ID && env.DINGTALK_CLIENT_SECRET
      ? {
          clientId: env.DINGTALK_CLIENT_ID,
          clientSecret: env.DINGTALK_CLIENT_SECRET,
          robotCode: env.DINGTALK_ROBOT_CODE ?? env.DINGTALK_CLIENT_ID,
          cardTemplateId: env.DINGTALK_CARD_TEMPLATE_ID,
          gatewayUrl: env.DINGTALK_GATEWAY_URL,
          apiUrl: env.DINGTALK_API_URL,
          retryDelaysMs: env.DINGTALK_RETRY_AFTER,
        }
      : undefined,
});
