import type { ApprovalCard } from '../../approval/card.js';
import type { Directory } from '../../config/directory.js';
import type { OutMessage } from '../platform.js';

/** DingTalk markdown: @-mentions as @staffId (with the id in `at` to render). */
export function markdown(message: OutMessage, directory: Directory): { text: string; atUserIds: string[] } {
  const ids = (message.mentions ?? []).map((n) => directory.user(n)?.ids.dingtalk ?? n);
  return {
    text: [...ids.map((i) => `@${i}`), message.text].join(' '),
    atUserIds: ids.filter((i) => /^[\w-]+$/.test(i)),
  };
}

/**
 * The neutral card as a DingTalk card's variables (strings only, as cardParamMap requires). The
 * card template shows them and its two buttons when `open` is "true" (bot-manifests/dingtalk.md).
 */
export function cardParams(card: ApprovalCard, directory: Directory): Record<string, string> {
  const at = (n: string) => `@${directory.user(n)?.ids.dingtalk ?? n}`;
  return {
    ticketId: card.ticketId,
    title: card.title,
    requester: card.requester ?? '',
    link: card.executionUrl ?? '',
    level: card.level ?? '',
    levels: card.levels.map((l, i) => `${i + 1}. ${l.name} (${l.mode}): ${l.status}`).join('\n'),
    parameters: Object.entries(card.parameters ?? {})
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('\n'),
    pending: card.pending.map(at).join(' '),
    tally: card.tally,
    comments: card.comments
      .filter((c) => c.comment)
      .map((c) => `${c.voter} ${c.decision === 'AGREE' ? 'approved' : 'rejected'}: ${c.comment}`)
      .join('\n'),
    outcome: card.outcome ?? '',
    status: card.status,
    open: card.buttons.length ? 'true' : 'false',
  };
}
