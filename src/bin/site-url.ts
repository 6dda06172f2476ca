import { configureBuiltins, opsgateUrlOf } from '../engine/builtins.js';
import type { Runtime } from './runtime.js';

/**
 * Records where this web process answers (PUBLIC_URL, else its listen address once listening), for
 * `{{ ACS::OpsgateUrl }}` here and in processes that serve no web: `PORT=3917 npm start` in one shell
 * and `opsgate run hello` in another must agree on the port without the second being told it.
 */
export async function announceSiteUrl(rt: Pick<Runtime, 'config' | 'redis' | 'keys'>, port: number): Promise<void> {
  const url = opsgateUrlOf({ ...rt.config, port });
  configureBuiltins({ publicUrl: url, host: rt.config.host, port });
  await rt.redis.set(rt.keys.siteUrl, url);
}

/**
 * In a process that serves no web (`opsgate run`, `opsgate worker`): the URL the web process recorded,
 * unless PUBLIC_URL names one. With several web processes on different ports, set PUBLIC_URL.
 */
export async function adoptSiteUrl(rt: Pick<Runtime, 'config' | 'redis' | 'keys'>): Promise<void> {
  if (rt.config.publicUrl) return;
  const url = await rt.redis.get(rt.keys.siteUrl);
  if (url) configureBuiltins({ publicUrl: url, host: rt.config.host, port: rt.config.port });
}
