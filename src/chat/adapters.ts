import type { ChatAdapter, ChatAdapterFactory, ChatPorts } from './adapter.js';
import { consoleChat } from './console/routes.js';
import { dingtalkChat } from './dingtalk/app.js';
import { slackChat } from './slack/app.js';

/**
 * Every chat platform opsgate speaks, one line each; a new platform is its folder and a line here. The
 * composition root hands this list to config (each one's variables, its people key) and creates from it.
 */
export const CHAT_ADAPTERS = [consoleChat, slackChat, dingtalkChat] as const satisfies readonly ChatAdapterFactory[];

/** A chat platform's name, as the registry gives it. */
export type ChatPlatform = (typeof CHAT_ADAPTERS)[number]['platform'];

/** The adapters the configuration turns on, in registry order. */
export function createChatAdapters(
  ports: ChatPorts,
  factories: readonly ChatAdapterFactory[] = CHAT_ADAPTERS,
): ChatAdapter[] {
  return factories.flatMap((f) => f.create(ports) ?? []);
}
