import { z } from 'zod';
import { envSection, url } from '../../config/env-section.js';
import { t } from '../../i18n/index.js';

export interface DingTalkOptions {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  cardTemplateId?: string;
  gatewayUrl?: string;
  apiUrl: string;
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
        }
      : undefined,
});
