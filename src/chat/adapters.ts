import type { ChatAdapter, ChatAdapterFactory, ChatPorts } from './adapter.js';
import { consoleChat } from './console/routes.js';
import { dingtalkChat } from './dingtalk/app.js';
import { slackChat } from './slack/app.js';

/** Every chat platform opsgate speaks, one line each; a new platform is its folder and a line here. */
export const CHAT_ADAPTERS: readonly ChatAdapterFactory[] = [consoleChat, slackChat, dingtalkChat];

/** The adapters the configuration turns on, in registry order. */
export function createChatAdapters(ports: ChatPorts, factories = CHAT_ADAPTERS): ChatAdapter[] {
  return factories.flatMap((f) => f.create(ports) ?? []);
}
