import { ParameterError } from '../../errors.js';
import { type Msg, msg } from '../../i18n/index.js';
import { said } from '../message.js';

/**
 * Whether a TriggerExecution message is for this trigger; `reason` names the filter that said no,
 * `text` says the same from the catalogue.
 */
export interface MatchResult {
  match: boolean;
  reason?: string;
  text?: Msg;
}

type Obj = Record<string, unknown>;

/**
 * ACS::EventTrigger against a CloudMonitor system event (`product`, `name`, `level`, `regionId`,
 * `content`). Every filter given must hold; list filters hold when the event's value is one of them.
 */
export function matchesEvent(props: unknown, body: unknown): MatchResult {
  const p = properties(props, 'ACS::EventTrigger');
  const parsed = parseBody(body);
  if (!parsed.ok) return no(parsed.why);
  const event = parsed.value;
  const reason =
    oneOf('Product', p.Product, event, 'product', true) ??
    oneOf('Name', p.Name, event, 'name', true) ??
    oneOf('Level', p.Level, event, 'level', true) ??
    oneOf('RegionId', p.RegionId, event, 'regionId', true) ??
    contentFilter('Content', parseJson(p.Content), field(event, 'content')) ??
    tagFilter(p.Tags, event);
  return reason ? no(reason) : { match: true };
}

/**
 * ACS::AlarmTrigger against a CloudMonitor alarm message. Lenient on purpose: alarm payloads vary
 * (callback form, event form), so a filter is checked only when the message carries that field.
 */
export function matchesAlarm(props: unknown, body: unknown): MatchResult {
  const p = properties(props, 'ACS::AlarmTrigger');
  const parsed = parseBody(body);
  if (!parsed.ok) return no(parsed.why);
  const alarm = parsed.value;
  const namespace = field(alarm, 'namespace') ?? field(alarm, 'metricProject');
  const instanceId = field(alarm, 'instanceId') ?? field(dimensions(alarm), 'instanceId');
  const reason =
    (namespace === undefined ? undefined : oneOf('Namespace', p.Namespace, { namespace }, 'namespace', false)) ??
    (field(alarm, 'metricName') === undefined
      ? undefined
      : oneOf('MetricName', p.MetricName, alarm, 'metricName', false)) ??
    (instanceId === undefined
      ? undefined
      : oneOf('Resources', resourceIds(p.Resources), { instanceId }, 'instanceId', false)) ??
    tagFilter(p.Tags, alarm);
  return reason ? no(reason) : { match: true };
}

const no = (reason: Msg): MatchResult => {
  const { message, text } = said(reason.key, reason.values);
  return { match: false, reason: message, text };
};

function properties(props: unknown, action: string): Obj {
  if (props === undefined || props === null) return {};
  if (!isMap(props)) throw new ParameterError(msg('actions:propertiesNotMap', { action }));
  return props;
}

/** TriggerExecution carries the message as JSON text; tests and fakes may pass the object. */
function parseBody(body: unknown): { ok: true; value: Obj } | { ok: false; why: Msg } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { ok: false, why: msg('actions:bodyNotJson') };
    }
  }
  return isMap(value) ? { ok: true, value } : { ok: false, why: msg('actions:bodyNotObject') };
}

/** `allowed` empty means no filter. The event's value may itself be a list (e.g. changedTagKeys): one hit is enough. */
function oneOf(prop: string, allowed: unknown, source: unknown, key: string, ignoreCase: boolean): Msg | undefined {
  const list = toList(allowed);
  if (list.length === 0) return undefined;
  const actual = field(source, key);
  if (actual === undefined || actual === null) return msg('actions:messageLacks', { prop, key });
  const norm = (v: unknown) => (ignoreCase ? String(v).toLowerCase() : String(v));
  const wanted = new Set(list.map(norm));
  const values = Array.isArray(actual) ? actual : [actual];
  if (values.some((v) => wanted.has(norm(v)))) return undefined;
  return msg('actions:valueNotIn', { prop, value: JSON.stringify(actual), allowed: JSON.stringify(list) });
}

/** Content maps a content key to its allowed values; a nested map filters a nested object. */
function contentFilter(path: string, filter: unknown, content: unknown): Msg | undefined {
  if (!isMap(filter)) return undefined;
  for (const [key, allowed] of Object.entries(filter)) {
    const where = `${path}.${key}`;
    const value = field(content, key);
    const reason = isMap(allowed) ? contentFilter(where, allowed, value) : oneOf(where, allowed, content, key, false);
    if (reason) return reason;
  }
  return undefined;
}

/**
 * Tags as OOS writes them ([{Key, Value}] or a map). Events rarely carry the resource's tags; when
 * the message has none this cannot be decided without a lookup, so it is left to the caller.
 */
function tagFilter(filter: unknown, message: Obj): Msg | undefined {
  const wanted = tagMap(parseJson(filter));
  const have = tagMap(field(message, 'tags') ?? field(field(message, 'content'), 'tags'));
  if (wanted.size === 0 || have.size === 0) return undefined;
  for (const [key, value] of wanted) {
    if (!have.has(key) || (value !== '' && have.get(key) !== value)) {
      return msg('actions:tagMissing', { tag: value === '' ? key : `${key}=${value}` });
    }
  }
  return undefined;
}

function tagMap(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (Array.isArray(v)) {
    for (const t of v) {
      const key = field(t, 'Key');
      if (key !== undefined && key !== null && key !== '') out.set(String(key), String(field(t, 'Value') ?? ''));
    }
  } else if (isMap(v)) {
    for (const [k, val] of Object.entries(v)) out.set(k, String(val ?? ''));
  }
  return out;
}

/** Resources as a list of ids, of {instanceId} / {resourceId} objects, or the JSON text of either. */
function resourceIds(v: unknown): string[] {
  return toList(v).flatMap((r) => {
    const id = isMap(r) ? (field(r, 'instanceId') ?? field(r, 'resourceId')) : r;
    return id === undefined || id === null || id === '' ? [] : [String(id)];
  });
}

/** Alarm dimensions come as an object, JSON text, or CloudMonitor's callback form `{userId=1, instanceId=i-1}`. */
function dimensions(alarm: Obj): unknown {
  const d = field(alarm, 'dimensions');
  if (typeof d !== 'string') return d;
  const parsed = parseJson(d);
  if (parsed !== d) return parsed;
  const out: Obj = {};
  for (const pair of d.replace(/^\{|\}$/g, '').split(',')) {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return out;
}

function toList(v: unknown): unknown[] {
  const value = parseJson(v);
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).filter((x) => x !== undefined && x !== null && x !== '');
}

/** Json parameters may reach a property as JSON text; anything else is returned as it is. */
function parseJson(v: unknown): unknown {
  if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Exact key first, then any casing: OOS documents `regionId`, other producers write `RegionId`. */
function field(obj: unknown, key: string): unknown {
  if (!isMap(obj)) return undefined;
  if (Object.hasOwn(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  const found = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : obj[found];
}

const isMap = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
