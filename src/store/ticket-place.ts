import type { Keys } from './keys.js';

/**
 * Where a ticket's small fields (status, level, approvals, approvers, level records, cards) live. An
 * execution's ticket keeps them in the execution's own hash, each name prefixed `t<id in base 36>.`:
 * a hash of their own cost a waiting run ~80 B of Redis more. A CreateApproval ticket, and an
 * execution's ticket an older opsgate opened, keep them unprefixed in a hash of their own (keys.ticket).
 */
export interface TicketPlace {
  /** The ticket's tag: its execution's id, or `ticket-<id>`. */
  tag: string;
  hash: string;
  prefix: string;
}

/** Where ticket `id` of `tag` keeps its fields; `ownHash` for tickets indexed by an older opsgate. */
export function placeOf(keys: Keys, tag: string, id: string, ownHash: boolean): TicketPlace {
  if (ownHash || !tag.startsWith('exec-')) return { tag, hash: keys.ticket(tag, id), prefix: '' };
  return { tag, hash: keys.execution(tag), prefix: `t${Number(id).toString(36)}.` };
}

/** The ticket's own fields out of all of its hash's, the prefix taken off. */
export function fieldsAt(place: TicketPlace, all: Record<string, string>): Record<string, string> {
  if (!place.prefix) return all;
  const mine: Record<string, string> = {};
  for (const [name, value] of Object.entries(all))
    if (name.startsWith(place.prefix)) mine[name.slice(place.prefix.length)] = value;
  return mine;
}
