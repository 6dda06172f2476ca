import { msg } from '../../i18n/index.js';
import { asList, asMap, asString, asText, fail, positional } from './args.js';

/** Text functions: Split, Join, Replace, Base64Encode/Decode, ContainsSubString, Sub, Escape. */

function Split(args: unknown): string[] {
  const [d, s] = positional('Split', args, '[delimiter, string]', 2);
  const delimiter = asString('Split', d, msg('functions:theDelimiter'));
  if (delimiter === '') fail('Split', msg('functions:delimiterEmpty'));
  return asString('Split', s, msg('functions:theValueToSplit')).split(delimiter);
}

function Join(args: unknown): string {
  const [d, l] = positional('Join', args, '[delimiter, list]', 2);
  const delimiter = asString('Join', d, msg('functions:theDelimiter'));
  return asList('Join', l, msg('functions:aListToJoin')).map(asText).join(delimiter);
}

/** Every occurrence of each key, one key after the other in the map's order. */
function Replace(args: unknown): string {
  const [m, s] = positional('Replace', args, '[{old: new}, string]', 2);
  const pairs = asMap('Replace', m, msg('functions:aMapOfReplacements'));
  let text = asString('Replace', s, msg('functions:theValueToReplaceIn'));
  for (const [old, replacement] of Object.entries(pairs)) {
    if (old === '') fail('Replace', msg('functions:replacedTextEmpty'));
    text = text.split(old).join(asText(replacement));
  }
  return text;
}

function Base64Encode(args: unknown): string {
  return Buffer.from(asString('Base64Encode', args, msg('functions:theValueToEncode')), 'utf8').toString('base64');
}

function Base64Decode(args: unknown): string {
  const text = asString('Base64Decode', args, msg('functions:theValueToDecode')).replace(/\s+/g, '');
  // Buffer silently skips bad characters; a wrong output (a command's result) should fail loudly.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) fail('Base64Decode', msg('functions:notBase64'));
  return Buffer.from(text, 'base64').toString('utf8');
}

function ContainsSubString(args: unknown): boolean {
  const [s, sub] = positional('ContainsSubString', args, '[string, substring]', 2);
  const text = asString('ContainsSubString', s, msg('functions:theString'));
  return text.includes(asString('ContainsSubString', sub, msg('functions:theSubstring')));
}

/**
 * `${name}` becomes the value of name (JSON for non-strings); `${!Literal}` stays `${Literal}`.
 * Shell variables without braces (`$repo`) are left alone, as in the corpus scripts.
 */
function Sub(args: unknown): string {
  const [t, v] = positional('Sub', args, '[template, {name: value}]', 1, 2);
  const template = asString('Sub', t, msg('functions:theTemplate'));
  const vars = v === undefined ? {} : asMap('Sub', v, msg('functions:aMapOfVariables'));
  return template.replace(/\$\{([^}]*)\}/g, (_, raw: string) => {
    const name = raw.trim();
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (!Object.hasOwn(vars, name)) fail('Sub', msg('functions:subNoValue', { name }));
    return asText(vars[name]);
  });
}

/** Escapes text for use inside single quotes of the given shell; the quotes are the caller's. */
function Escape(args: unknown): string {
  const [s, sh] = positional('Escape', args, '[string, shell]', 2);
  const text = asString('Escape', s, msg('functions:theValueToEscape'));
  const shell = asString('Escape', sh, msg('functions:theShell')).trim().toLowerCase();
  // PowerShell also ends a single-quoted string at the typographic quotes; doubling escapes each.
  if (shell === 'powershell' || shell === 'pwsh') return text.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&');
  // POSIX shells have no escape inside '...': close the quote, add an escaped quote, reopen.
  if (shell === 'bash' || shell === 'shell' || shell === 'sh') return text.replace(/'/g, `'\\''`);
  fail('Escape', msg('functions:unsupportedShell', { shell }));
}

export const strings = { Split, Join, Replace, Base64Encode, Base64Decode, ContainsSubString, Sub, Escape };
