import { z } from 'zod';
import { envSection, url } from '../../config/env-section.js';
import { t } from '../../i18n/index.js';

// Start-up configuration errors are told before any reader is known (OPSGATE_LOCALE is parsed in the same pass).
const say = (key: Parameters<typeof t>[1], values?: Parameters<typeof t>[2]) => t('en', key, values);

export interface SlackOptions {
  botToken: string;
  /** Slack over HTTP: requests signed with this secret arrive at POST /slack/events. */
  signingSecret?: string;
  /** Slack over Socket Mode: opsgate connects out, no public URL needed. */
  appToken?: string;
  apiUrl: string;
  /** Socket Mode's ping timeout (ms); short in tests so a dropped socket reconnects fast. */
  clientPingTimeout?: number;
}

/** Slack's variables, parsed in the one environment schema (config/env.ts); README's table lists them. */
export const slackEnv = envSection({
  shape: {
    /** Slack over HTTP at POST /slack/events: both must be set, or neither. */
    SLACK_BOT_TOKEN: z
      .string()
      .startsWith('xoxb-', say('slack:envPrefix', { prefix: 'xoxb-' }))
      .optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    /** With SLACK_BOT_TOKEN: Slack over Socket Mode (no public URL needed) instead of HTTP. */
    SLACK_APP_TOKEN: z
      .string()
      .startsWith('xapp-', say('slack:envPrefix', { prefix: 'xapp-' }))
      .optional(),
    /** Slack Web API base (tests, proxies). */
    SLACK_API_URL: url().default('https://slack.com/api/'),
  },
  check: (env, problem) => {
    if (env.SLACK_APP_TOKEN && !env.SLACK_BOT_TOKEN) {
      problem('SLACK_BOT_TOKEN', say('slack:envBotTokenForSocket'));
    }
    if (!env.SLACK_APP_TOKEN && !!env.SLACK_BOT_TOKEN !== !!env.SLACK_SIGNING_SECRET) {
      problem(env.SLACK_BOT_TOKEN ? 'SLACK_SIGNING_SECRET' : 'SLACK_BOT_TOKEN', say('slack:envHttpPair'));
    }
  },
  settings: (env): SlackOptions | undefined =>
    env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)
      ? {
          botToken: env.SLACK_BOT_TOKEN,
          signingSecret: env.SLACK_SIGNING_SECRET,
          appToken: env.SLACK_APP_TOKEN,
          apiUrl: env.SLACK_API_URL,
        }
      : undefined,
});
