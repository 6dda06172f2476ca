/**
 * The channel id the adapter hands the bot, and reads back when the dispatcher posts there later: a
 * group is its openConversationId as DingTalk gives it (`cid...`), a person's 1:1 chat with the robot
 * is `oto:` and their staff id. The two take different APIs (groupMessages/send, oToMessages/batchSend).
 */
export type Where = { kind: 'group'; conversationId: string } | { kind: 'user'; staffId: string };

// i18n-exempt: a channel id's prefix, stored with the run's origin, never shown
const ONE_TO_ONE = 'oto:';

/** The channel of a robot message: conversationType '1' is a 1:1 chat, '2' a group. */
export function channelOf(m: { conversationId: string; conversationType?: string; senderStaffId?: string }): string {
  return m.conversationType === '1' && m.senderStaffId ? `${ONE_TO_ONE}${m.senderStaffId}` : m.conversationId;
}

export function whereOf(channel: string): Where {
  return channel.startsWith(ONE_TO_ONE)
    ? { kind: 'user', staffId: channel.slice(ONE_TO_ONE.length) }
    : { kind: 'group', conversationId: channel };
}
