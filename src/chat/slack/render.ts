import type { types } from '@slack/bolt';
import type { ApprovalCard } from '../../approval/card.js';
import type { Directory } from '../../config/directory.js';
import { translator } from '../../i18n/index.js';
import type { OutMessage } from '../platform.js';

type KnownBlock = types.KnownBlock;

/** The neutral approval card as Block Kit: @-mentions of who is still needed, the tally, the buttons. */
export function renderSlack(message: OutMessage, directory: Directory): { text: string; blocks?: KnownBlock[] } {
  const mentions = (message.mentions ?? []).map((n) => {
    const id = directory.user(n)?.ids.slack;
    return id ? `<@${id}>` : escapeMrkdwn(n);
  });
  if (!message.card) return { text: [...mentions, escapeMrkdwn(message.text)].join(' ') };
  return { text: escapeMrkdwn(message.text), blocks: cardBlocks(message.card, directory) };
}

/** The card's texts come in its reader's language (card.locale); the words around them are written in it too. */
function cardBlocks(card: ApprovalCard, directory: Directory): KnownBlock[] {
  const t = translator(card.locale ?? 'en');
  const mention = (name: string) => {
    const id = directory.user(name)?.ids.slack;
    return id ? `<@${id}>` : escapeMrkdwn(name);
  };
  const link = card.executionUrl ? `<${card.executionUrl}|${card.executionId}>` : '';
  const requested = card.requester ? t('card:requestedBy', { who: mention(card.requester) }) : '';
  const head =
    `*${escapeMrkdwn(card.title)}*\n` +
    `${[requested, link].filter(Boolean).join(' · ')}` +
    `${card.level ? `\n${escapeMrkdwn(card.level)}` : ''}`;
  const state = card.outcome
    ? `${card.status === 'APPROVED' ? ':white_check_mark:' : ':no_entry:'} *${escapeMrkdwn(card.outcome)}*`
    : t('card:waitingFor', { who: card.pending.map(mention).join(' ') });
  const approvedBy = card.approvedBy.map(mention).join(', ');
  const tally = [card.tally, approvedBy ? t('card:approvedByLower', { who: approvedBy }) : '']
    .filter(Boolean)
    .join(' · ');
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: cut(head) } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(state) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: cut(tally) }] },
  ];
  if (card.parameters && Object.keys(card.parameters).length) {
    const lines = Object.entries(card.parameters).map(
      ([k, v]) => `${escapeMrkdwn(k)}: \`${escapeMrkdwn(typeof v === 'string' ? v : JSON.stringify(v))}\``,
    );
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n')) } });
  }
  if (card.levels.length > 1) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: cut(
            card.levels
              .map((l, i) =>
                t('card:levelItem', {
                  n: i + 1,
                  name: escapeMrkdwn(l.name),
                  mode: escapeMrkdwn(l.mode),
                  status: l.status,
                }),
              )
              .join('   '),
          ),
        },
      ],
    });
  }
  const said = card.comments.filter((c) => c.comment);
  if (said.length) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: cut(
            said
              .map((c) =>
                t('card:comment', { who: mention(c.voter), decision: c.decision, comment: escapeMrkdwn(c.comment!) }),
              )
              .join('\n'),
          ),
        },
      ],
    });
  }
  if (card.buttons.length) {
    blocks.push({
      type: 'actions',
      block_id: `approval-${card.ticketId}`,
      elements: card.buttons.map((b) => ({
        type: 'button' as const,
        action_id: b.id,
        value: b.value,
        style: b.style,
        text: { type: 'plain_text' as const, text: b.label },
      })),
    });
  }
  return blocks;
}

/** Slack takes at most 3,000 characters in a section's text. */
function cut(s: string, n = 3000): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Slack's three control characters in mrkdwn text. */
function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
