import { msg, type Msg, t } from '../i18n/index.js';

/**
 * Bounds on what a template may cost to read. Templates come from the API and chat (untrusted): a
 * billion-laughs alias bomb, a self-containing alias or a very deep nesting must be refused in
 * milliseconds, on every parse path, as a template error naming the limit that was hit.
 */

/** The API takes 64 KB; files are allowed more, but not unbounded. The largest public template is 45 KB. */
export const MAX_TEMPLATE_BYTES = 256 * 1024;
/** Maps and lists inside each other; the public templates reach 35. */
export const MAX_DEPTH = 64;
/** Alias uses (`*name`) in one template. */
export const MAX_ALIASES = 100;
/**
 * Values plus characters of text and keys once aliases are expanded. Without aliases a template
 * under MAX_TEMPLATE_BYTES stays below it, so only aliasing can reach it.
 */
export const MAX_EXPANDED = 1_000_000;

/** A limit was hit; parse turns it into a template problem. */
export class LimitExceeded extends Error {
  constructor(readonly text: Msg) {
    super(t('en', text.key, text.values));
  }
}

export function checkSize(content: string): void {
  if (Buffer.byteLength(content) > MAX_TEMPLATE_BYTES)
    throw new LimitExceeded(msg('template:templateTooLarge', { kib: String(MAX_TEMPLATE_BYTES / 1024) }));
}

/** Nesting deeper than MAX_DEPTH, however it was found. */
export const depthText = msg('template:nestedTooDeep', { limit: String(MAX_DEPTH) });
/** Alias uses beyond MAX_ALIASES, however they were counted. */
export const aliasesText = msg('template:tooManyAliases', { limit: String(MAX_ALIASES) });

/**
 * An upper bound of flow nesting (`[[[[...`) from the text alone, so a deep one is refused before a
 * parser recurses into it. Brackets in quoted text count too; they are balanced in real templates.
 */
export function checkFlowDepth(content: string): void {
  let depth = 0;
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) throw new LimitExceeded(depthText);
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
}

/**
 * Walks what a parser returned. Aliases come back as the same object at each use, so each distinct
 * node is measured once (memoised) and its expanded size is counted at every use: a bomb is refused
 * without ever being expanded. An object met again on its own path is an alias to its container.
 */
export function checkValue(value: unknown): void {
  const sizes = new Map<object, number>();
  const onPath = new Set<object>();
  let aliases = 0;
  const walk = (v: unknown, level: number): number => {
    if (typeof v === 'string') return 1 + v.length;
    if (v === null || typeof v !== 'object') return 1;
    if (onPath.has(v)) throw new LimitExceeded(msg('template:aliasContainsItself'));
    const known = sizes.get(v);
    if (known !== undefined) {
      if (++aliases > MAX_ALIASES) throw new LimitExceeded(aliasesText);
      return known;
    }
    if (level > MAX_DEPTH) throw new LimitExceeded(depthText);
    onPath.add(v);
    let size = 1;
    const entries = Array.isArray(v) ? v.map((x) => ['', x] as const) : Object.entries(v);
    for (const [k, x] of entries) {
      size += k.length + walk(x, level + 1);
      if (size > MAX_EXPANDED)
        throw new LimitExceeded(msg('template:aliasesExpandTooMuch', { limit: MAX_EXPANDED.toLocaleString('en') }));
    }
    onPath.delete(v);
    sizes.set(v, size);
    return size;
  };
  walk(value, 0);
}
