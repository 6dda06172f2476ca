import { isMsg, type MessageKey, type Msg, t, type Values } from '../i18n/index.js';

/**
 * A message as the engine keeps it: its English (`message`, what the OOS API answers) and, when it
 * comes from the catalogue, the same as a Msg (`text`) that each reader renders in their language.
 */
export interface Said {
  message: string;
  text?: Msg;
}

/** A catalogue message as the engine keeps it: the English beside the Msg. */
export function said(key: MessageKey, values?: Values): { message: string; text: Msg } {
  // Stored with the record: values that say nothing are left out.
  const given = values && Object.entries(values).filter(([, v]) => v !== undefined);
  const text: Msg = given?.length ? { key, values: Object.fromEntries(given) } : { key };
  return { message: t('en', key, values), text };
}

/** What an error said: its catalogue text when it carries one, else its message as it is. */
export function saidBy(err: unknown): Said {
  const message = err instanceof Error ? err.message : String(err);
  const text = (err as { text?: unknown } | undefined)?.text;
  return isMsg(text) ? { message, text } : { message };
}

/** What a message that embeds this one takes as its value: the Msg, else the English. */
export const inner = (s: Said): Msg | string => s.text ?? s.message;

/**
 * An error that is not an OpsgateError (the engine reads those as template mistakes, which waiting
 * does not mend) but still says its message from the catalogue: a network failure, for one.
 */
export class SaidError extends Error {
  readonly text: Msg;
  constructor(key: MessageKey, values?: Values) {
    const s = said(key, values);
    super(s.message);
    this.name = new.target.name;
    this.text = s.text;
  }
}
