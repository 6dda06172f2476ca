import type { Ticket } from '../approval/ticket.js';
import type { Msg } from '../i18n/index.js';
import { executionMasker, secretMasker, type Masker } from '../engine/mask.js';
import type { AnyTemplate } from '../template/schema.js';
import type { ArchivedRun } from './types.js';

/**
 * What of a run or ticket is written to PostgreSQL: no NoEcho value, ever (engine/mask.ts). Each field
 * is masked the way the views mask it (value() where they call value(), text() where text()), so a
 * view of the archived run answers what it answered before; ids, names, dates and counts stay.
 */

/** Writes `how(v)` over the fields present, keeping absent ones absent. */
function over<T extends object, K extends keyof T>(r: T, keys: readonly K[], how: (v: T[K]) => T[K]): T {
  const out = { ...r };
  for (const k of keys) if (out[k] !== undefined) out[k] = how(out[k]);
  return out;
}

// Credentials by key too where the views show these with value(); a waiting action's data only its
// NoEcho values (the views read ids from it).
// A message's catalogue text carries the same values as its English: masked alike.
function maskRecord<T extends { message?: string; text?: Msg; outputs?: object; properties?: object; data?: object }>(
  r: T,
  m: Masker,
): T {
  const text = (x: T['text']) => (x && m.msg(x)) as T['text'];
  return over(over(over(r, ['message', 'outputs', 'properties'], m.value), ['data'], m.noEcho), ['text'], text);
}

export function maskRun(run: ArchivedRun, template?: AnyTemplate): ArchivedRun {
  const m = executionMasker(run.execution, template);
  const e = over(
    over(run.execution, ['statusMessage', 'description', 'outputs', 'gate'], m.value),
    ['statusText'],
    (x) => x && m.msg(x),
  );
  return {
    execution: {
      ...over(e, ['tags'], m.noEcho),
      parameters: m.parameters(e.parameters),
      tasks: Object.fromEntries(Object.entries(e.tasks).map(([name, t]) => [name, maskRecord(t, m)])),
    },
    taskRecords: run.taskRecords.map((t) => maskRecord(t, m)),
    loopItems: Object.fromEntries(
      Object.entries(run.loopItems).map(([te, items]) => [
        te,
        items.map((i) => over(maskRecord(i, m), ['item'], m.noEcho)),
      ]),
    ),
    children: run.children,
  };
}

/**
 * A ticket's texts without the NoEcho values `masker` knows (its execution's: executionMasker), and its
 * spec without credentials (a notification's mail password or webhook secret): it is decided, nothing
 * sends with them again.
 */
export function maskTicket(t: Ticket, masker: Masker = secretMasker([])): Ticket {
  const m = masker;
  const text = (x: Msg | undefined) => x && m.msg(x);
  return {
    ...over(over(t, ['title', 'description', 'reasons', 'subject', 'reason'], m.noEcho), ['reasonText'], text),
    spec: m.value(t.spec),
    votes: t.votes.map((v) => over(v, ['comment'], m.noEcho)),
    // A catalogue text's values are text the reader sees as the English is: masked the same way.
    levels: t.levels.map((l) => over(over(l, ['note'], m.noEcho), ['noteText'], text)),
  };
}
