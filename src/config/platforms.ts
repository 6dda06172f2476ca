/**
 * Where a run can be started, and so where its messages go back. Each chat platform is one folder in
 * src/chat and one line in src/chat/adapters.ts; `api` and `cli` start runs but take no messages.
 */
export const CHAT_PLATFORMS = ['console', 'slack', 'dingtalk'] as const;
export type ChatPlatform = (typeof CHAT_PLATFORMS)[number];
export type Platform = ChatPlatform | 'api' | 'cli';

/** The chat platforms whose people the directory lists by their own id there (`slack: U0001`). */
export const PEOPLE_PLATFORMS = ['slack', 'dingtalk'] as const satisfies readonly ChatPlatform[];
export type PeoplePlatform = (typeof PEOPLE_PLATFORMS)[number];
