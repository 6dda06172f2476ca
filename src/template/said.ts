import { en } from '../i18n/catalog/index.js';
import { type MessageKey, type Msg, msg, t } from '../i18n/index.js';
import { verbatim } from './problem.js';

/**
 * zod keeps one string per issue. A schema written with `said(msg(...))` gives zod the message's
 * English, and `textOf` finds the message again when the issue becomes a problem, so that the problem
 * reads in every language while its English stays what the schema said. Messages are remembered by
 * their English: say the ones a schema is built with (a few hundred), not values met while parsing.
 */
const said_ = new Map<string, Msg>();

export function said(m: Msg): string {
  const english = t('en', m.key, m.values);
  said_.set(english, m);
  return english;
}

let catalogue: Map<string, Msg> | undefined;

/** The English catalogue's messages without placeholders, by their text (a schema may write one as it reads). */
function byEnglish(): Map<string, Msg> {
  if (!catalogue) {
    catalogue = new Map();
    for (const [ns, messages] of Object.entries(en))
      for (const [key, text] of Object.entries(messages as Record<string, string>))
        if (!/[{}]/.test(text) && !catalogue.has(text)) catalogue.set(text, msg(`${ns}:${key}` as MessageKey));
  }
  return catalogue;
}

/** The catalogue message a schema's error message was written from; text from elsewhere as it is. */
export function textOf(message: string): Msg {
  return said_.get(message) ?? byEnglish().get(message) ?? verbatim(message);
}
