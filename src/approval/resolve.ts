import { OpsgateError } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { Directory } from '../config/directory.js';

/**
 * Turns the approver entries of a template into directory user names, when the approval becomes
 * active: `group:NAME` expands to its members, `$request.owner` is who started the execution and
 * `$request.owner.manager` that person's manager. No entries at all: every directory user.
 */
export function resolveApprovers(
  entries: string[] | undefined,
  ctx: { directory: Directory; owner?: string; allowSelfApproval: boolean },
): string[] {
  const { directory, owner } = ctx;
  const names = new Set<string>();
  const unknown: string[] = [];
  const list = entries ?? directory.users().map((u) => u.name);
  for (const entry of list) {
    if (entry.startsWith('group:')) {
      const members = directory.members(entry.slice(6));
      if (!members.length) unknown.push(entry);
      for (const m of members) names.add(m);
    } else if (entry === '$request.owner') {
      if (owner) names.add(owner);
      else unknown.push(entry);
    } else if (entry === '$request.owner.manager') {
      const manager = owner ? directory.user(owner)?.manager : undefined;
      if (manager) names.add(manager);
      else unknown.push(entry);
    } else if (directory.user(entry)) {
      names.add(entry);
    } else {
      unknown.push(entry);
    }
  }
  if (unknown.length)
    // The level's note and the ticket's reason (core/approval-service.ts): its English and its Msg.
    throw new OpsgateError(
      'UnknownApprovers',
      msg('core:approversNotInDirectory', { unknown: unknown.length, names: unknown.join(', ') }),
    );
  // The one who started an execution does not approve it, unless the template allows it.
  if (owner && !ctx.allowSelfApproval) names.delete(owner);
  return [...names];
}
