import { CHAT_ADAPTERS } from '../chat/adapters.js';
import type { ChatAdapterFactory } from '../chat/adapter.js';
import { parseConfig, type Config } from '../config/env.js';

/**
 * The configuration of this build: the base variables and those of every chat platform of the registry,
 * parsed once; the registry also tells the directory which platforms people are listed on.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  platforms: readonly ChatAdapterFactory[] = CHAT_ADAPTERS,
): Config {
  return parseConfig(env, platforms);
}
