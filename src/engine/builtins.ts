import type { Config } from '../config/env.js';
import type { Execution } from '../engine/types.js';

/** Addresses that listen on every interface: the server itself is reached on loopback. */
const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * The server's own base URL, what `{{ ACS::OpsgateUrl }}` is: PUBLIC_URL, else the address it
 * listens on (HOST, or 127.0.0.1 when HOST is every interface, and PORT).
 */
export function opsgateUrlOf(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const host = WILDCARD.has(config.host) ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.port}`;
}

/** What this process knows of its deployment; set once from its Config at start (bin/runtime.ts). */
let site = { opsgateUrl: opsgateUrlOf({ host: '127.0.0.1', port: 3000 }) };

/** Sets the deployment's built-ins for this process, as configureJq sets its jq limits. */
export function configureBuiltins(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): void {
  site = { opsgateUrl: opsgateUrlOf(config) };
}

/** The `{{ ACS::... }}` variables of an execution. */
export function builtinsFor(
  exec: Pick<Execution, 'id' | 'templateName' | 'templateVersion' | 'owner' | 'regionId'>,
  now: Date,
): Record<string, unknown> {
  return {
    'ACS::RegionId': exec.regionId ?? 'cn-hangzhou',
    // opsgate runs no OOSUtil agent; templates pass this to scripts as a version to download.
    'ACS::OOSUtilVersion': 'latest',
    'ACS::ExecutionId': exec.id,
    'ACS::TemplateName': exec.templateName,
    'ACS::TemplateVersion': exec.templateVersion,
    'ACS::ExecuteUser': exec.owner ?? '',
    'ACS::CurrentUTCTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'ACS::CurrentDate': now.toISOString().slice(0, 10),
    // opsgate's own: where this opsgate answers, so samples work on any PORT or behind PUBLIC_URL.
    'ACS::OpsgateUrl': site.opsgateUrl,
  };
}
