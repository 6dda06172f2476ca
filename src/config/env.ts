import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * The one place that reads the environment. Each variable is documented beside its default;
 * README.md's configuration table is this schema in prose.
 */
const url = () =>
  z.string().refine((v) => {
    try {
      new URL(v);
      return true;
    } catch {
      return false;
    }
  }, 'must be a URL');

const schema = z
  .object({
    /** Redis (or Valkey) URL; absent: reuse 127.0.0.1:6379 if it answers, else spawn redis-server. */
    REDIS_URL: url().optional(),
    /** HTTP listen address. */
    PORT: z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a port number')
      .min(0)
      .max(65535)
      .default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** Base of links in messages; default http://HOST:PORT. */
    PUBLIC_URL: url().optional(),
    /** Folder(s), ':'-separated, whose templates are loaded into the store at start-up. */
    OPSGATE_TEMPLATES: z.string().default('./runbooks'),
    /** YAML file of people and groups; default ./directory.yaml when that file exists. */
    OPSGATE_DIRECTORY: z.string().optional(),
    /** YAML file of approval policies (named levels with Applies criteria); none by default. */
    OPSGATE_POLICIES: z.string().optional(),
    /** Key that signs console sessions and mail links; absent: generated once and kept in Redis. */
    OPSGATE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** `name:token,...`: bearer tokens for /api, each acting as that directory user. */
    OPSGATE_API_TOKENS: z
      .string()
      .regex(
        /^\s*[A-Za-z0-9_.@-]+:[^,:\s]{16,}\s*(,\s*[A-Za-z0-9_.@-]+:[^,:\s]{16,}\s*)*$/,
        'must be name:token pairs separated by commas, each token at least 16 characters',
      )
      .optional(),
    /** Requests a minute each API token may make; more answer 429 Throttling.User. */
    OPSGATE_API_RATE_LIMIT: z.coerce
      .number({ error: 'must be a number of requests a minute' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .default(600),
    /** The directory group whose members may change anyone's templates and runs (and open the queue dashboard). */
    OPSGATE_ADMIN_GROUP: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be a group name')
      .default('admins'),
    /** Who `opsgate run` acts as: a directory user name. */
    OPSGATE_USER: z.string().min(1).max(200).optional(),
    /** Prefix of every Redis key and of the BullMQ queues: lets deployments (and tests) share a Redis. */
    OPSGATE_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, - or _')
      .default('opsgate'),
    /** Slack over HTTP at POST /slack/events: both must be set, or neither. */
    SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must start with xoxb-').optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    /** With SLACK_BOT_TOKEN: Slack over Socket Mode (no public URL needed) instead of HTTP. */
    SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must start with xapp-').optional(),
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
    /** Slack Web API base (tests, proxies). */
    SLACK_API_URL: url().default('https://slack.com/api/'),
    /**
     * Alibaba Cloud credentials for ACS::ExecuteAPI and the other cloud actions; absent: those tasks fail
     * saying so.
     */
    ALIBABA_CLOUD_ACCESS_KEY_ID: z.string().min(1).optional(),
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: z.string().min(1).optional(),
    ALIBABA_CLOUD_SECURITY_TOKEN: z.string().min(1).optional(),
    /**
     * One base URL for every Alibaba Cloud call (a proxy; a loopback fake in tests); default: each service's
     * endpoint.
     */
    ALIBABA_CLOUD_ENDPOINT: url().optional(),
    /** The region of {{ ACS::RegionId }} and of calls that name none. */
    ALIBABA_CLOUD_REGION_ID: z
      .string()
      .regex(/^[a-z]{2}(-[a-z0-9]+)+$/, 'must be a region id such as cn-hangzhou')
      .default('cn-hangzhou'),
    /** How long a worker holds a job before another may take it over (a dead worker's steps resume after this). */
    OPSGATE_LOCK_MS: z.coerce
      .number({ error: 'must be milliseconds' })
      .int('must be whole milliseconds')
      .min(500, 'must be at least 500')
      .max(600_000)
      .default(30_000),
    /** How long one jq program (ValueSelector, PropertySelector, Fn::Jq) may run before it is stopped. */
    OPSGATE_JQ_TIMEOUT_MS: z.coerce
      .number({ error: 'must be milliseconds' })
      .int('must be whole milliseconds')
      .min(10, 'must be at least 10')
      .max(600_000)
      .default(5000),
    /** The JavaScript heap of each jq thread (jq's own heap is capped at 256 MB by its build). */
    OPSGATE_JQ_MEMORY_MB: z.coerce
      .number({ error: 'must be megabytes' })
      .int('must be whole megabytes')
      .min(16, 'must be at least 16')
      .max(4096)
      .default(64),
    /** pino log level. */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (!!env.ALIBABA_CLOUD_ACCESS_KEY_ID !== !!env.ALIBABA_CLOUD_ACCESS_KEY_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: [env.ALIBABA_CLOUD_ACCESS_KEY_ID ? 'ALIBABA_CLOUD_ACCESS_KEY_SECRET' : 'ALIBABA_CLOUD_ACCESS_KEY_ID'],
        message: 'is required with the other Alibaba Cloud key (set both or neither)',
      });
    }
    if (!!env.DINGTALK_CLIENT_ID !== !!env.DINGTALK_CLIENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: [env.DINGTALK_CLIENT_ID ? 'DINGTALK_CLIENT_SECRET' : 'DINGTALK_CLIENT_ID'],
        message: 'is required with the other DingTalk key (set both or neither)',
      });
    }
    if (env.SLACK_APP_TOKEN && !env.SLACK_BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'is required with SLACK_APP_TOKEN (Socket Mode needs both)',
      });
    }
    if (!env.SLACK_APP_TOKEN && !!env.SLACK_BOT_TOKEN !== !!env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: [env.SLACK_BOT_TOKEN ? 'SLACK_SIGNING_SECRET' : 'SLACK_BOT_TOKEN'],
        message: 'is required when Slack is configured (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET together)',
      });
    }
  });

export type Env = z.infer<typeof schema>;

export interface Config {
  redisUrl?: string;
  port: number;
  host: string;
  /** Absent: the address the HTTP server listens on. */
  publicUrl?: string;
  templateDirs: string[];
  directoryFile?: string;
  policiesFile?: string;
  secret?: string;
  keyPrefix: string;
  /** Bearer token to the directory user it acts as. */
  apiTokens: Map<string, string>;
  /** Requests a minute per API token. */
  apiRateLimit: number;
  /** The directory group of admins (permissions table: src/core/permissions.ts). */
  adminGroup: string;
  /** Who the CLI's `opsgate run` acts as. */
  user?: string;
  /** Slack over HTTP (signingSecret) or Socket Mode (appToken). */
  slack?: { botToken: string; signingSecret?: string; appToken?: string; apiUrl: string };
  dingtalk?: {
    clientId: string;
    clientSecret: string;
    robotCode: string;
    cardTemplateId?: string;
    gatewayUrl?: string;
    apiUrl: string;
  };
  cloud?: { accessKeyId: string; accessKeySecret: string; securityToken?: string; endpoint?: string };
  region: string;
  lockMs: number;
  /** Limits of every jq program. */
  jq: { timeoutMs: number; memoryMb: number };
  logLevel: Env['LOG_LEVEL'];
}

/** Parses the environment; a bad value throws a ConfigError whose message is one line naming it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means unset, as in most shells' `VAR= cmd` idiom.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const shown = name in env && !/TOKEN|SECRET|KEY|REDIS_URL/.test(name) ? ` (got ${JSON.stringify(env[name])})` : '';
    throw new ConfigError(`${name} ${issue.message}${shown}`);
  }
  const e = parsed.data;
  return {
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    templateDirs: e.OPSGATE_TEMPLATES.split(':').filter(Boolean),
    directoryFile: e.OPSGATE_DIRECTORY,
    policiesFile: e.OPSGATE_POLICIES,
    secret: e.OPSGATE_SECRET,
    keyPrefix: e.OPSGATE_KEY_PREFIX,
    apiTokens: new Map(
      (e.OPSGATE_API_TOKENS ?? '')
        .split(',')
        .filter((p) => p.trim())
        .map((p) => {
          const [name, token] = p.trim().split(':') as [string, string];
          return [token, name];
        }),
    ),
    apiRateLimit: e.OPSGATE_API_RATE_LIMIT,
    adminGroup: e.OPSGATE_ADMIN_GROUP,
    user: e.OPSGATE_USER,
    slack:
      e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)
        ? {
            botToken: e.SLACK_BOT_TOKEN,
            signingSecret: e.SLACK_SIGNING_SECRET,
            appToken: e.SLACK_APP_TOKEN,
            apiUrl: e.SLACK_API_URL,
          }
        : undefined,
    dingtalk:
      e.DINGTALK_CLIENT_ID && e.DINGTALK_CLIENT_SECRET
        ? {
            clientId: e.DINGTALK_CLIENT_ID,
            clientSecret: e.DINGTALK_CLIENT_SECRET,
            robotCode: e.DINGTALK_ROBOT_CODE ?? e.DINGTALK_CLIENT_ID,
            cardTemplateId: e.DINGTALK_CARD_TEMPLATE_ID,
            gatewayUrl: e.DINGTALK_GATEWAY_URL,
            apiUrl: e.DINGTALK_API_URL,
          }
        : undefined,
    cloud:
      e.ALIBABA_CLOUD_ACCESS_KEY_ID && e.ALIBABA_CLOUD_ACCESS_KEY_SECRET
        ? {
            accessKeyId: e.ALIBABA_CLOUD_ACCESS_KEY_ID,
            accessKeySecret: e.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
            securityToken: e.ALIBABA_CLOUD_SECURITY_TOKEN,
            endpoint: e.ALIBABA_CLOUD_ENDPOINT,
          }
        : undefined,
    region: e.ALIBABA_CLOUD_REGION_ID,
    lockMs: e.OPSGATE_LOCK_MS,
    jq: { timeoutMs: e.OPSGATE_JQ_TIMEOUT_MS, memoryMb: e.OPSGATE_JQ_MEMORY_MB },
    logLevel: e.LOG_LEVEL,
  };
}
