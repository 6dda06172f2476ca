/** A quote opened and never closed: the reader is told which (chat:unclosedQuote). */
export class UnclosedQuoteError extends Error {
  constructor(readonly quote: string) {
    super(`unclosed ${quote} quote`);
  }
}

/** Splits a command line into words; "double" or 'single' quotes keep spaces (key="a b"). */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let inWord = false;
  // Chat clients turn quotes into typographic ones; treat them as plain quotes.
  for (const ch of line.replace(/[\u201c\u201d]/g, '"').replace(/[\u2018\u2019]/g, "'")) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new UnclosedQuoteError(quote);
  if (inWord) words.push(word);
  return words;
}

export type KeyValues = { ok: true; value: Record<string, string> } | { ok: false; word: string };

/**
 * `key=value` words as parameters (chat `run`, its form, `opsgate run`): the first `=` splits, the key is
 * not empty, a later key wins. A bad word is returned, not thrown, so each caller answers in its own way.
 */
export function keyValues(words: string[]): KeyValues {
  const bad = words.find((w) => w.indexOf('=') < 1);
  if (bad !== undefined) return { ok: false, word: bad };
  const split = (w: string, eq = w.indexOf('=')) => [w.slice(0, eq), w.slice(eq + 1)];
  return { ok: true, value: Object.fromEntries(words.map((w) => split(w))) };
}
