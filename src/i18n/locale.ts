/** The languages opsgate speaks; every catalogue namespace is complete in each. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * A language tag as platforms and people write it (`zh_CN`, `zh-Hans-CN`, `en-US`, `ZH`) as one of
 * opsgate's locales, or undefined when opsgate does not speak it (the caller falls back).
 */
export function toLocale(tag: string | undefined | null): Locale | undefined {
  const t = tag?.trim().toLowerCase().replace(/_/g, '-');
  if (!t) return undefined;
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-CN';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return undefined;
}

/** The first of the candidates (most specific first: the person, the platform, the default) opsgate speaks. */
export function pickLocale(...candidates: (string | undefined | null)[]): Locale {
  for (const c of candidates) {
    const l = toLocale(c);
    if (l) return l;
  }
  return 'en';
}

/** The language of an HTTP Accept-Language header's most preferred tag that opsgate speaks. */
export function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const tags = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    const l = toLocale(tag);
    if (l) return l;
  }
  return undefined;
}
