import type { LevelRecord } from '../approval/ticket.js';
import type { ApprovalSpec } from '../template/approve.js';

/**
 * A ticket's level records, kept in the ticket's own hash rather than a key of their own (a key costs
 * ~100 B of Redis before its value): `L<i>` holds `status required activatedAt`, `A<i>` the JSON list
 * of whom the level asked, `N<i>` its note when it has one. Name and mode are the spec's, which a
 * ticket never changes. Short values keep the hash the compact encoding Redis keeps small hashes in
 * (values up to 64 bytes by default), and short names keep a one-level ticket under 160 bytes.
 */
const levelField = (index: number) => `L${index}`;
const approversField = (index: number) => `A${index}`;
const noteField = (index: number) => `N${index}`;

/** The fields to set for `record`, and the note field to remove when it has no note ('' when it has). */
export function levelFields(record: LevelRecord): { set: string[]; unset: string } {
  const i = record.index;
  const set = [
    levelField(i),
    `${record.status} ${record.required} ${record.activatedAt ?? ''}`,
    approversField(i),
    JSON.stringify(record.approvers),
  ];
  if (record.note === undefined) return { set, unset: noteField(i) };
  set.push(noteField(i), JSON.stringify({ note: record.note, noteText: record.noteText }));
  return { set, unset: '' };
}

/**
 * The level records of a ticket's hash, by index. `legacy`: the JSON map an older opsgate kept under a
 * key of its own (index -> record), read under the fields, which are newer.
 */
export function levelsOf(fields: Record<string, string>, spec: ApprovalSpec, legacy: string | null): LevelRecord[] {
  const byIndex = new Map<number, LevelRecord>();
  // Lua's cjson wrote an empty list as {}: lists are made lists again here.
  for (const l of Object.values(JSON.parse(legacy ?? '{}') as Record<string, LevelRecord>))
    byIndex.set(l.index, { ...l, approvers: Array.isArray(l.approvers) ? l.approvers : [] });
  for (const [field, value] of Object.entries(fields)) {
    if (!/^L\d{1,4}$/.test(field)) continue;
    const index = Number(field.slice(1));
    const [status, required, activatedAt] = value.split(' ');
    const def = spec.levels[index];
    const noted = fields[noteField(index)];
    byIndex.set(index, {
      index,
      name: def?.name ?? '',
      mode: def?.mode ?? '',
      status: status as LevelRecord['status'],
      approvers: JSON.parse(fields[approversField(index)] ?? '[]') as string[],
      required: Number(required),
      ...(activatedAt ? { activatedAt } : {}),
      ...(noted ? (JSON.parse(noted) as Pick<LevelRecord, 'note' | 'noteText'>) : {}),
    });
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}
