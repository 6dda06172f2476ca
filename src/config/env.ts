import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { isMsg, isTimeZone, LOCALES, type Locale, msg, type Msg, toLocale } from '../i18n/index.js';
import { parseDuration } from '../template/duration.js';
import { said } from '../template/said.js';
import { zodText } from '../template/zod-problems.js';
import { own, url, type EnvProblem } from './env-section.js';
import { checkRedis, type RedisTarget, redisShape, redisTargetOf } from './redis-env.js';
import { checkPlatformNames, Platforms, type PlatformSpec } from './platforms.js';

/**
 * The one place that reads the environment: these base variables and each chat platform's own (its
 * folder's env.ts), merged into one schema. Each variable is documented beside its default;
 * README.md's configuration table is this schema in prose.
 */
const shape = {
  /** Redis (or Valkey) URL; absent: reuse 127.0.0.1:6379 if it answers, else spawn redis-server. */
  REDIS_URL: url().optional(),
  ...redisShape,
  /** HTTP listen address. */
  PORT: z.coerce
    .number({ error: said(msg('config:mustBePort')) })
    .int(said(msg('config:mustBePort')))
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
  OPSGATE_SECRET: z
    .string()
    .min(16, said(msg('config:mustHaveMinCharacters', { min: '16' })))
    .optional(),
  /** `name:token,...`: bearer tokens for /api, each acting as that directory user. */
  OPSGATE_API_TOKENS: z
    .string()
    .regex(
      /^\s*[A-Za-z0-9_.@-]+:[^,:\s]{16,}\s*(,\s*[A-Za-z0-9_.@-]+:[^,:\s]{16,}\s*)*$/,
      said(msg('config:mustBeApiTokens')),
    )
    .optional(),
  /**
   * `user:AccessKeyId:AccessKeySecret,...`: AccessKeys of the Alibaba Cloud RPC endpoint (POST /), each
   * acting as that directory user, as an API token does.
   */
  OPSGATE_ACCESS_KEYS: z
    .string()
    .transform((v, ctx) => {
      const keys = new Map<string, { user: string; secret: string }>();
      for (const part of v.split(',')) {
        // Checked one pair at a time: no pattern over the whole list to backtrack through.
        const m = /^\s*([A-Za-z0-9_.@-]{1,100}):([A-Za-z0-9_.-]{1,128}):([^,:\s]{16,256})\s*$/.exec(part);
        if (!m || keys.has(m[2]!)) {
          ctx.addIssue({
            code: 'custom',
            message: said(m ? msg('config:accessKeyTwice', { id: m[2]! }) : msg('config:mustBeAccessKeys')),
          });
          return z.NEVER;
        }
        keys.set(m[2]!, { user: m[1]!, secret: m[3]! });
      }
      return keys;
    })
    .optional(),
  /** Requests a minute each API token (and each AccessKey) may make; more answer Throttling.User. */
  OPSGATE_API_RATE_LIMIT: z.coerce
    .number({ error: said(msg('config:mustBeRequestsAMinute')) })
    .int(said(msg('config:mustBeWholeNumber')))
    .min(1, said(msg('config:mustBeAtLeast', { min: '1' })))
    .default(600),
  /** The directory group whose members may change anyone's templates and runs (and open the queue dashboard). */
  OPSGATE_ADMIN_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, said(msg('config:mustBeGroupName')))
    .default('admins'),
  /**
   * How long finished executions stay in Redis (ISO 8601, PT1S up); older ones leave it, archived first
   * when OPSGATE_ARCHIVE_URL is set.
   */
  OPSGATE_RETENTION: z
    .string()
    .default('P30D')
    .transform((v, ctx) => {
      const ms = /^P/i.test(v.trim()) ? parseDuration(v) : undefined;
      if (ms === undefined || ms < 1000) {
        ctx.addIssue({ code: 'custom', message: said(msg('config:mustBeRetention')) });
        return z.NEVER;
      }
      return ms;
    }),
  /** PostgreSQL that keeps every finished run and decided ticket for audits; absent: retention deletes. */
  OPSGATE_ARCHIVE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, said(msg('config:mustBePostgresUrl')))
    .optional(),
  /** The language of readers the directory gives none (DingTalk users get zh-CN before this). */
  OPSGATE_LOCALE: z
    .string()
    .refine((v) => toLocale(v) !== undefined, {
      error: said(msg('config:mustBeLocale', { locales: LOCALES.join(', ') })),
    })
    .transform((v) => toLocale(v)!)
    .default('en'),
  /** The time zone of readers the directory gives none (IANA name). */
  OPSGATE_TIMEZONE: z
    .string()
    .refine(isTimeZone, { error: said(msg('config:mustBeTimeZone')) })
    .default('UTC'),
  /** Who `opsgate run` acts as: a directory user name. */
  OPSGATE_USER: z.string().min(1).max(200).optional(),
  /** Prefix of every Redis key and of the BullMQ queues: lets deployments (and tests) share a Redis. */
  OPSGATE_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, said(msg('config:mustBeKeyPrefix')))
    .default('opsgate'),
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
    .regex(/^[a-z]{2}(-[a-z0-9]+)+$/, said(msg('config:mustBeRegion')))
    .default('cn-hangzhou'),
  /**
   * Shards of the steps queue: each execution's jobs go to one (by a hash of its id), each shard under
   * its own hash tag, so that on a Redis Cluster the queue spreads over the primaries. Every worker
   * takes every shard. All processes of a deployment must agree on it.
   */
  OPSGATE_QUEUE_SHARDS: z.coerce
    .number({ error: said(msg('config:mustBeWholeNumber')) })
    .int(said(msg('config:mustBeWholeNumber')))
    .min(1, said(msg('config:mustBeAtLeast', { min: '1' })))
    .max(64, said(msg('config:mustBeAtMost', { max: '64' })))
    .default(1),
  /** How long a worker holds a job before another may take it over (a dead worker's steps resume after this). */
  OPSGATE_LOCK_MS: z.coerce
    .number({ error: said(msg('config:mustBeMilliseconds')) })
    .int(said(msg('config:mustBeWholeMilliseconds')))
    .min(500, said(msg('config:mustBeAtLeast', { min: '500' })))
    .max(600_000)
    .default(30_000),
  /** How long one jq program (ValueSelector, PropertySelector, Fn::Jq) may run before it is stopped. */
  OPSGATE_JQ_TIMEOUT_MS: z.coerce
    .number({ error: said(msg('config:mustBeMilliseconds')) })
    .int(said(msg('config:mustBeWholeMilliseconds')))
    .min(10, said(msg('config:mustBeAtLeast', { min: '10' })))
    .max(600_000)
    .default(5000),
  /** The JavaScript heap of each jq thread (jq's own heap is capped at 256 MB by its build). */
  OPSGATE_JQ_MEMORY_MB: z.coerce
    .number({ error: said(msg('config:mustBeMegabytes')) })
    .int(said(msg('config:mustBeWholeMegabytes')))
    .min(16, said(msg('config:mustBeAtLeast', { min: '16' })))
    .max(4096)
    .default(64),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export type Env = z.output<z.ZodObject<typeof shape>>;

/** Cross-checks between base variables, run once each parsed (a section's run after them). */
function check(env: Env, problem: EnvProblem): void {
  checkRedis(env, problem);
  if (!!env.ALIBABA_CLOUD_ACCESS_KEY_ID !== !!env.ALIBABA_CLOUD_ACCESS_KEY_SECRET) {
    problem(
      env.ALIBABA_CLOUD_ACCESS_KEY_ID ? 'ALIBABA_CLOUD_ACCESS_KEY_SECRET' : 'ALIBABA_CLOUD_ACCESS_KEY_ID',
      msg('config:otherCloudKeyRequired'),
    );
  }
}

export interface Config {
  redisUrl?: string;
  /** Where Redis is: REDIS_URL's server, a Cluster (REDIS_CLUSTER_NODES) or behind Sentinel (REDIS_SENTINELS). */
  redis: RedisTarget;
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
  /** AccessKeyId to the directory user it acts as and its secret (a credential: never logged). */
  accessKeys: Map<string, { user: string; secret: string }>;
  /** Requests a minute per API token or AccessKey. */
  apiRateLimit: number;
  /** The directory group of admins (permissions table: src/core/permissions.ts). */
  adminGroup: string;
  /** Who the CLI's `opsgate run` acts as. */
  user?: string;
  /** The language and time zone of readers the directory gives none. */
  locale: Locale;
  timezone: string;
  cloud?: { accessKeyId: string; accessKeySecret: string; securityToken?: string; endpoint?: string };
  region: string;
  lockMs: number;
  /** Shards of the steps queue (OPSGATE_QUEUE_SHARDS). */
  queueShards: number;
  /** Limits of every jq program. */
  jq: { timeoutMs: number; memoryMb: number };
  /** How long a finished execution stays in Redis, in ms. */
  retentionMs: number;
  /** The PostgreSQL archive's URL (a credential: never logged). */
  archiveUrl?: string;
  logLevel: Env['LOG_LEVEL'];
  /** The chat platforms of the registry: each one's settings, and those the directory lists people on. */
  platforms: Platforms;
}

/** The base variables and every platform's own, as one schema; a variable belongs to one of them only. */
function schemaOf(platforms: readonly PlatformSpec[]) {
  checkPlatformNames(platforms);
  const merged: Record<string, z.core.$ZodType> = { ...shape };
  for (const p of platforms) {
    for (const [name, type] of Object.entries(p.env.shape)) {
      if (name in merged) throw new ConfigError(msg('config:declaredTwice', { name, platform: p.platform }));
      merged[name] = type;
    }
  }
  return z.object(merged).superRefine((env, ctx) => {
    const problem = (name: string, message: string | Msg) =>
      ctx.addIssue({ code: 'custom', path: [name], message: isMsg(message) ? said(message) : message });
    check(own(shape, env), problem);
    for (const p of platforms) p.env.check(env, problem);
  });
}

/**
 * The language a configuration error is told in: OPSGATE_LOCALE when it names one opsgate speaks, else
 * English. Nothing else is known yet when the configuration fails (`messageIn(err, operatorLocale(env))`).
 */
export function operatorLocale(env: Record<string, string | undefined>): Locale {
  return toLocale(env.OPSGATE_LOCALE) ?? 'en';
}

/**
 * Parses the environment once, with the variables of the platforms the composition root registers
 * (src/bin/config.ts); a bad value throws a ConfigError whose message is one line naming it.
 */
export function parseConfig(env: Record<string, string | undefined>, platforms: readonly PlatformSpec[]): Config {
  // An empty variable means unset, as in most shells' `VAR= cmd` idiom.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schemaOf(platforms).safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    // URLs may carry a password: never echoed, as secrets are not.
    const secret = /TOKEN|SECRET|KEY|PASSWORD|REDIS_URL|ARCHIVE_URL/.test(name);
    const shown = name in env && !secret ? msg('config:gotValue', { value: String(JSON.stringify(env[name])) }) : '';
    throw new ConfigError(msg('config:variableProblem', { name, problem: zodText(issue), shown }));
  }
  const e = own(shape, parsed.data);
  return {
    redisUrl: e.REDIS_URL,
    redis: redisTargetOf(e),
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
    accessKeys: e.OPSGATE_ACCESS_KEYS ?? new Map(),
    apiRateLimit: e.OPSGATE_API_RATE_LIMIT,
    adminGroup: e.OPSGATE_ADMIN_GROUP,
    user: e.OPSGATE_USER,
    locale: e.OPSGATE_LOCALE,
    timezone: e.OPSGATE_TIMEZONE,
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
    queueShards: e.OPSGATE_QUEUE_SHARDS,
    jq: { timeoutMs: e.OPSGATE_JQ_TIMEOUT_MS, memoryMb: e.OPSGATE_JQ_MEMORY_MB },
    retentionMs: e.OPSGATE_RETENTION,
    archiveUrl: e.OPSGATE_ARCHIVE_URL,
    logLevel: e.LOG_LEVEL,
    platforms: new Platforms(platforms, parsed.data),
  };
}
