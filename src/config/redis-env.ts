import { z } from 'zod';
import { msg } from '../i18n/index.js';
import { said } from '../template/said.js';
import type { EnvProblem } from './env-section.js';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Where opsgate's Redis is: one server (REDIS_URL, which carries its own password and TLS as
 * `rediss://user:pass@host`), a Redis Cluster, or a primary that Redis Sentinel watches and replaces.
 */
export type RedisTarget =
  | { kind: 'url'; url?: string }
  | { kind: 'cluster'; nodes: HostPort[]; auth: RedisAuth }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; auth: RedisAuth; sentinelPassword?: string };

/** Credentials and TLS of the Cluster's nodes or of the Sentinel-managed Redis (secrets: never logged). */
export interface RedisAuth {
  username?: string;
  password?: string;
  tls: boolean;
  /** PEM file of the certificate authority to trust besides the system's. */
  caFile?: string;
}

/** `host:port,...`; a host is a name, an IPv4 address or a bracketed IPv6 one. */
const hostPorts = () =>
  z.string().transform((v, ctx) => {
    const out: HostPort[] = [];
    for (const part of v.split(',')) {
      const m = /^\s*([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):(\d{1,5})\s*$/.exec(part);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
        ctx.addIssue({ code: 'custom', message: said(msg('config:mustBeHostPorts')) });
        return z.NEVER;
      }
      out.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) });
    }
    return out;
  });

/** The Redis variables of the one env schema (config/env.ts). */
export const redisShape = {
  /** `host:port,...` of a Redis Cluster (any of its nodes; the rest are found): wins over REDIS_URL. */
  REDIS_CLUSTER_NODES: hostPorts().optional(),
  /** `host:port,...` of Redis Sentinels watching the primary named REDIS_SENTINEL_NAME. */
  REDIS_SENTINELS: hostPorts().optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, said(msg('config:mustBeSentinelName')))
    .optional(),
  /** ACL user and password of the Cluster's nodes or of the Sentinel-managed Redis. */
  REDIS_USERNAME: z.string().min(1).max(200).optional(),
  REDIS_PASSWORD: z.string().min(1).max(1000).optional(),
  /** The Sentinels' own password, when they have one. */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).max(1000).optional(),
  /** TLS to the Cluster's nodes or the Sentinel-managed Redis (and its Sentinels). */
  REDIS_TLS: z
    .enum(['true', 'false'], { error: said(msg('config:mustBeTrueOrFalse')) })
    .default('false')
    .transform((v) => v === 'true'),
  /** A CA certificate (PEM file) to trust for REDIS_TLS besides the system's. */
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
};

type RedisEnv = {
  REDIS_URL?: string;
  REDIS_CLUSTER_NODES?: HostPort[];
  REDIS_SENTINELS?: HostPort[];
  REDIS_SENTINEL_NAME?: string;
  REDIS_USERNAME?: string;
  REDIS_PASSWORD?: string;
  REDIS_SENTINEL_PASSWORD?: string;
  REDIS_TLS: boolean;
  REDIS_TLS_CA_FILE?: string;
};

export function checkRedis(env: RedisEnv, problem: EnvProblem): void {
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME)
    problem('REDIS_SENTINEL_NAME', msg('config:sentinelNameRequired'));
  if (env.REDIS_SENTINEL_NAME && !env.REDIS_SENTINELS) problem('REDIS_SENTINELS', msg('config:sentinelsRequired'));
  if (env.REDIS_CLUSTER_NODES && env.REDIS_SENTINELS) problem('REDIS_SENTINELS', msg('config:clusterOrSentinels'));
}

export function redisTargetOf(env: RedisEnv): RedisTarget {
  const auth: RedisAuth = {
    username: env.REDIS_USERNAME,
    password: env.REDIS_PASSWORD,
    tls: env.REDIS_TLS,
    caFile: env.REDIS_TLS_CA_FILE,
  };
  if (env.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: env.REDIS_CLUSTER_NODES, auth };
  if (env.REDIS_SENTINELS)
    return {
      kind: 'sentinel',
      sentinels: env.REDIS_SENTINELS,
      name: env.REDIS_SENTINEL_NAME!,
      auth,
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
    };
  return { kind: 'url', url: env.REDIS_URL };
}
