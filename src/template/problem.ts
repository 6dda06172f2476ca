import { isMsg, msg, type Msg, t } from '../i18n/index.js';

/**
 * A problem of a template, found before anything runs: its path below the part checked, its English
 * (`message`: the API and the tests read it) and the same from the catalogue (`text`: readers of other
 * languages). Problems written by hand ({path, message}) still work: they show their English to all.
 */
export interface Problem {
  path: (string | number)[];
  message: string;
  text?: Msg;
  atKey?: boolean;
  /** An unknown key's near known key: what was meant (`Duraton` -> `Duration`). */
  meant?: string;
}

/** A problem from the catalogue: `message` is its English, `text` the message itself. */
export function problem(path: (string | number)[], text: Msg, extra: Pick<Problem, 'atKey' | 'meant'> = {}): Problem {
  return { path, message: t('en', text.key, text.values), text, ...extra };
}

/** Text from outside the catalogue (a parser's own words, jq's): shown as it is in every language. */
export function verbatim(text: string): Msg {
  return msg('template:verbatim', { text });
}

/** A catalogue message, or text from outside it shown as it is. */
export function asMsg(text: Msg | string): Msg {
  return isMsg(text) ? text : verbatim(text);
}

/** What an error said, as a catalogue message: its own `text` when it has one, else its message as it is. */
export function textOfError(err: unknown): Msg {
  const text = (err as { text?: unknown } | null)?.text;
  return isMsg(text) ? text : verbatim(err instanceof Error ? err.message : String(err));
}

/** A problem's catalogue message: its own, else its English as it is. */
export function textOfProblem(p: { message: string; text?: Msg }): Msg {
  return p.text ?? verbatim(p.message);
}

/**
 * Several messages as one, each on its own line (or joined by `separator`, a key of two halves):
 * split in halves, so that rendering nests log2(n) deep however many there are.
 */
export function joined(
  items: readonly Msg[],
  separator: 'template:twoLines' | 'template:twoClauses' = 'template:twoLines',
): Msg {
  if (items.length === 0) return verbatim('');
  if (items.length === 1) return items[0]!;
  const half = Math.ceil(items.length / 2);
  return msg(separator, { first: joined(items.slice(0, half), separator), rest: joined(items.slice(half), separator) });
}

/** A value as a message shows it after "got": `a list`, `a map`, else its JSON. */
export function shown(v: unknown): Msg {
  if (v === null) return msg('template:shownValue', { kind: 'json', json: 'null' });
  if (Array.isArray(v)) return msg('template:shownValue', { kind: 'list', json: '' });
  if (typeof v === 'object') return msg('template:shownValue', { kind: 'map', json: '' });
  return msg('template:shownValue', { kind: 'json', json: String(JSON.stringify(v)) });
}

/** `problem, got value`. */
export function withGot(problemText: Msg, value: Msg | string): Msg {
  return msg('template:withGot', { problem: problemText, value });
}
