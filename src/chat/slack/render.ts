import type { types } from '@slack/bolt';
import type { ApprovalCard } from '../../approval/card.js';
import type { Directory } from '../../config/directory.js';
import type { OutMessage } from '../platform.js';

type KnownBlock = types.KnownBlock;

/** The neutral approval card as Block Kit: @-mentions of who is still needed, the tally, the buttons. */
export function renderSlack(message: OutMessage, directory: Directory): { text: string; blocks?: KnownBlock[] } {
  const mentions = (message.mentions ?? []).map((n) => { const id = directory.user(n)?.slack; return id ? `<@${id}>` : escape(n); });
  if (!message.card) return { text: [...mentions, escape(message.text)].join(' ') };
  return { text: escape(message.text), blocks: cardBlocks(message.card, directory) };
}

function cardBlocks(card: ApprovalCard, directory: Directory): KnownBlock[] {
  const mention = (name: string) => {
    const id = directory.user(name)?.slack;
    return id ? `<@${id}>` : escape(name);
  };
  const link = card.executionUrl ? `<${card.executionUrl}|${card.executionId}>` : '';
  const head = `*${escape(card.title)}*\n${[card.requester ? `Requested by ${mention(card.requester)}` : '', link].filter(Boolean).join(' · ')}${card.level ? `\n${escape(card.level)}` : ''}`;
  const state = card.outcome
    ? `${card.status === 'APPROVED' ? ':white_check_mark:' : ':no_entry:'} *${escape(card.outcome)}*`
    : `Waiting for ${card.pending.map(mention).join(' ')}`;
  const tally = [card.tally, card.approvedBy.length ? `approved by ${card.approvedBy.map(mention).join(', ')}` : '']
    .filter(Boolean).join(' · ');
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: head } },
    { type: 'section', text: { type: 'mrkdwn', text: state } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: tally }] },
  ];
  if (card.buttons.length) {
    blocks.push({
      type: 'actions', block_id: `approval-${card.ticketId}`,
      elements: card.buttons.map((b) => ({
        type: 'button' as const, action_id: b.id, value: b.value, style: b.style,
        text: { type: 'plain_text' as const, text: b.label },
      })),
    });
  }
  return blocks;
}

/** Slack's three control characters in mrkdwn text. */
function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
