/** Splits a command line into words; "double" or 'single' quotes keep spaces (key="a b"). */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let inWord = false;
  // Chat clients turn quotes into typographic ones; treat them as plain quotes.
  for (const ch of line.replace(/[\u201c\u201d]/g, '"').replace(/[\u2018\u2019]/g, "'")) {
    if (quote) {
      if (ch === quote) quote = undefined; else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch; inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = ''; inWord = false;
    } else {
      word += ch; inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}
