import type { ApprovalCard } from '../../approval/card.js';
import type { Directory } from '../../config/directory.js';
import { type Locale, t } from '../../i18n/index.js';

/** A directory user as DingTalk knows them: their staff id (userId), when the directory has one. */
export interface Person {
  name: string;
  staffId?: string;
}

export function peopleOf(names: readonly string[], directory: Directory): Person[] {
  return names.map((name) => ({ name, staffId: directory.user(name)?.ids.dingtalk }));
}

/** Names as the reader's language lists them: `bob and carol`, `bob和carol`. */
export function listOf(names: readonly string[], locale: Locale): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(names);
}

/** Markdown for the robot OpenAPI, which @-mentions nobody: mentions show the people's names. */
export function markdown(text: string, mentions: readonly Person[] = []): string {
  return [...mentions.map((p) => `@${p.name}`), text].join(' ');
}

/**
 * Markdown for a session webhook, which does @-mention: DingTalk highlights and notifies the
 * `@userId` written in the text of each id in `at.atUserIds`; people without one show by name.
 */
export function mentionMarkdown(text: string, mentions: readonly Person[]): { text: string; atUserIds: string[] } {
  const words = mentions.map((p) => `@${p.staffId ?? p.name}`);
  return {
    text: [...words, text].join(' '),
    atUserIds: mentions.flatMap((p) => (p.staffId ? [p.staffId] : [])),
  };
}

/** A card's `atUserIds`: staffId -> display name, as DingTalk's card delivery takes them. */
export function atUserIds(people: readonly Person[]): Record<string, string> {
  return Object.fromEntries(people.flatMap((p) => (p.staffId ? [[p.staffId, p.name] as const] : [])));
}

/**
 * The neutral card as a DingTalk card's variables (strings only, as cardParamMap requires). The
 * card template shows them and its two buttons when `open` is "true" (bot-manifests/dingtalk.md).
 */
export function cardParams(card: ApprovalCard, directory: Directory, locale: Locale): Record<string, string> {
  return {
    ticketId: card.ticketId,
    title: card.title,
    requester: card.requester ?? '',
    link: card.executionUrl ?? '',
    level: card.level ?? '',
    levels: card.levels
      .map((l, i) => t(locale, 'dingtalk:levelLine', { n: i + 1, name: l.name, mode: l.mode, status: l.status }))
      .join('\n'),
    parameters: Object.entries(card.parameters ?? {})
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('\n'),
    pending: peopleOf(card.pending, directory)
      .map((p) => `@${p.name}`)
      .join(' '),
    tally: card.tally,
    comments: card.comments
      .filter((c) => c.comment)
      .map((c) => t(locale, 'dingtalk:comment', { voter: c.voter, decision: c.decision, comment: c.comment }))
      .join('\n'),
    outcome: card.outcome ?? '',
    status: card.status,
    open: card.buttons.length ? 'true' : 'false',
  };
}
