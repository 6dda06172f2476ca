import { isMsg, type Msg } from '../i18n/index.js';
import type { ParameterDef } from '../template/schema.js';
import type { Execution } from './types.js';

/**
 * The one place that decides what of an execution may be shown: every view (API, pages, chat,
 * mail, logs) passes execution data through a Masker before it leaves opsgate.
 *
 * - Values of keys that name a credential (Password, Secret, Token, AccessKey, Signature, sign)
 *   and the credential query values of URLs (access_token=, sign=, ...) become ******.
 * - NoEcho parameter values become ****** wherever they turn up: as a whole field, inside longer
 *   text (a script that echoes one, an error that quotes it), JSON-escaped, shell-quoted or
 *   URL-encoded. Values shorter than MIN_SCANNED characters are masked only where a whole field
 *   equals them: searching free text for "ab" would wreck every message and hide nothing worth it.
 */
export const MASK = '******';
export const MIN_SCANNED = 4;

const SECRET_KEY = /pass(word)?|secret|token|accesskey|signature|^sign$/i;
const SECRET_QUERY = /([?&](?:access_token|sign|secret|token|key|signature)=)[^&#\s"']*/gi;

type Declared = { Parameters: Record<string, ParameterDef> };

export interface Masker {
  /** Free text (a message, a log line, a rendered page part). */
  text(s: string): string;
  /** Any JSON-like value, deep through objects and arrays. */
  value<T>(v: T): T;
  /** An execution's parameters: NoEcho ones as ******, the others scanned like any value. */
  parameters(p: Record<string, unknown>): Record<string, unknown>;
  /** NoEcho values only, deep, keys and URLs untouched: for content sent on (a robot's signed body). */
  noEcho<T>(v: T): T;
  /** A catalogue message: its values as free text, nested messages too; the keys untouched. */
  msg(m: Msg): Msg;
}

/** Whether a key names a credential (Password, WebHook.Secret, access_token, sign, ...). */
export const isSecretKey = (k: string) => SECRET_KEY.test(k);

/** The credential query values of the URLs in a text. */
export const secretQueryValues = (s: string): string[] =>
  [...s.matchAll(SECRET_QUERY)].map((m) => m[0].slice(m[1]!.length)).filter(Boolean);

/** Credential query values in free text (URIs quoted in messages). */
export function maskText(s: string): string {
  return s.replace(SECRET_QUERY, '$1******');
}

/** Masks by key and by URL only: for data that has no execution (templates, tickets). */
export function maskSecrets<T>(value: T): T {
  return secretMasker([]).value(value);
}

/** Names of the NoEcho parameters a template declares. */
export function noEchoNames(declared?: Declared): string[] {
  return Object.entries(declared?.Parameters ?? {})
    .filter(([, p]) => p.NoEcho === true || p.NoEcho === 'true')
    .map(([k]) => k);
}

/**
 * The masker of an execution: its NoEcho parameters as recorded when it started (so a deleted
 * template does not unmask it), and as its template declares them (executions from before).
 */
export function executionMasker(exec: Pick<Execution, 'parameters' | 'noEcho'>, declared?: Declared): Masker {
  const names = [...new Set([...(exec.noEcho ?? []), ...noEchoNames(declared)])];
  return secretMasker(
    names.filter((n) => Object.hasOwn(exec.parameters, n)).map((n) => exec.parameters[n]),
    names,
  );
}

const jsonEscaped = (s: string) => JSON.stringify(s).slice(1, -1);
const shellEscaped = (s: string) => s.replace(/'/g, `'\\''`);

/** The forms a value takes in text: as is, shell-quoted, JSON-escaped (twice), URL-encoded, its lines. */
function formsOf(v: unknown): string[] {
  const whole = typeof v === 'string' ? v : JSON.stringify(v);
  if (whole === undefined) return [];
  const bases = [whole, shellEscaped(whole)];
  // A List or Json value's own strings may show one by one (a loop item, a selected field).
  if (v && typeof v === 'object')
    JSON.stringify(v, (_k, x: unknown) => {
      if (typeof x === 'string' || typeof x === 'number') bases.push(String(x));
      return x;
    });
  bases.push(...whole.split('\n'));
  const forms = new Set<string>();
  for (const b of bases) {
    forms
      .add(b)
      .add(jsonEscaped(b))
      .add(jsonEscaped(jsonEscaped(b)));
    try {
      forms.add(encodeURIComponent(b));
    } catch {
      /* a lone surrogate */
    }
  }
  return [...forms];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A masker over the given secret values; `names` are parameter names masked as whole fields. */
export function secretMasker(values: unknown[], names: string[] = []): Masker {
  const present = values.filter((v) => v !== undefined && v !== null && v !== '' && typeof v !== 'boolean');
  const exact = new Set(
    present.map((v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v))),
  );
  const scanned = [...new Set(present.flatMap(formsOf))]
    .filter((f) => f.length >= MIN_SCANNED)
    .sort((a, b) => b.length - a.length);
  const pattern = scanned.length ? new RegExp(scanned.map(escapeRegex).join('|'), 'g') : undefined;
  const nameSet = new Set(names);

  const hide = (s: string): string =>
    exact.has(s) || exact.has(s.trim()) ? MASK : pattern ? s.replace(pattern, MASK) : s;
  const text = (s: string): string => maskText(hide(s));
  const onlyValues = (v: unknown): unknown =>
    typeof v === 'string'
      ? hide(v)
      : typeof v === 'number' && exact.has(String(v))
        ? MASK
        : Array.isArray(v)
          ? v.map(onlyValues)
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, onlyValues(x)]))
            : v;
  const deep = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (typeof v === 'number') return exact.has(String(v)) ? MASK : v;
    if (Array.isArray(v)) return v.map(deep);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [
          k,
          SECRET_KEY.test(k) && x !== undefined && x !== '' && x !== null ? MASK : deep(x),
        ]),
      );
    }
    return v;
  };
  const msgOf = (m: Msg): Msg =>
    m.values === undefined
      ? m
      : {
          key: m.key,
          values: Object.fromEntries(
            Object.entries(m.values).map(([k, v]) => [k, typeof v === 'string' ? text(v) : isMsg(v) ? msgOf(v) : v]),
          ),
        };
  return {
    text,
    msg: msgOf,
    value: <T>(v: T) => deep(v) as T,
    noEcho: <T>(v: T) => onlyValues(v) as T,
    parameters: (p) =>
      deep(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, nameSet.has(k) ? MASK : v]))) as Record<
        string,
        unknown
      >,
  };
}
