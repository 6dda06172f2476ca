import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { readContent } from '../template/parse.js';
import { isSecretKey, MASK, maskText, MIN_SCANNED, secretQueryValues } from './mask.js';

/**
 * Inline credentials of a template's source (Mail.Password, WebHook.Secret, a NoEcho parameter's
 * Default, access_token= and sign= in URIs) as ******, for callers who may not read them.
 * The source keeps its layout and comments: values are replaced in the text, and the result is
 * checked by reading it again; when that does not give exactly the masked data (a short value,
 * an odd escape), the masked data is written out instead.
 */
export function maskTemplateContent(content: string, format: 'YAML' | 'JSON'): string {
  const raw = readContent(content);
  if (raw === undefined) return maskText(content);
  const secrets = new Set<string>();
  const masked = maskData(raw, secrets);
  if (!secrets.size) return content;

  let text = content;
  const forms = [
    ...new Set([...secrets].flatMap((s) => [s, JSON.stringify(s).slice(1, -1), s.replace(/'/g, "''")])),
  ].sort((a, b) => b.length - a.length);
  // A plain YAML scalar of `******` would read as an alias: a whole value is replaced quoted (any length).
  if (format === 'YAML')
    for (const f of forms)
      text = text.replace(
        new RegExp(`((?::|^[ \\t]*-)[ \\t]+)${escapeRegex(f)}(?=[ \\t]*(?:#.*)?$|[ \\t]*[,}\\]])`, 'gm'),
        `$1"${MASK}"`,
      );
  for (const f of forms) if (f.length >= MIN_SCANNED) text = text.split(f).join(MASK);
  text = maskText(text);
  if (isDeepStrictEqual(readContent(text), masked)) return text;
  return format === 'JSON' ? JSON.stringify(masked, null, 2) : stringify(masked);
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isExpression = (v: string) => /^\s*\{\{[^{}]*\}\}\s*$/.test(v);

/** The data with its credentials masked; collects the values it masked. */
function maskData(v: unknown, found: Set<string>, key = '', parent?: Record<string, unknown>): unknown {
  if (typeof v === 'string' || typeof v === 'number') {
    const s = String(v);
    // A secret given by reference ({{ robotSecret }}) names a parameter: nothing to hide.
    const noEchoDefault = key === 'Default' && (parent?.NoEcho === true || parent?.NoEcho === 'true');
    if ((isSecretKey(key) || noEchoDefault) && s !== '' && !isExpression(s)) {
      found.add(s);
      return MASK;
    }
    if (typeof v === 'number') return v;
    for (const q of secretQueryValues(v)) if (!q.startsWith('{{')) found.add(q);
    return maskText(v);
  }
  if (Array.isArray(v)) return v.map((x) => maskData(x, found));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, maskData(x, found, k, o)]));
  }
  return v;
}
