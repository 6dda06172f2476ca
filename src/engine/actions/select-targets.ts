import { z } from 'zod';
import { ex, list, map, name, props, req, text } from '../../template/property-fields.js';
import { t } from '../../i18n/index.js';
import { said, type Said } from '../message.js';
import { describeCloudError } from './execute-api.js';
import type { BuiltinAction, CloudPort } from './types.js';

/** DescribeInstances takes at most 100 ids, 100 results a page and 20 tags. */
const PAGE = 100;
const MAX_TAGS = 20;
/** No account has this many pages of instances; stops a misbehaving NextToken from looping forever. */
const MAX_PAGES = 1000;

type Query = Record<string, unknown>;
type Instance = Record<string, unknown> & { InstanceId?: string };

/** One target, as the console's Targets parameter writes it (often the whole item is `{{ targets }}`). */
const filterSchema = props({
  Type: req(z.enum(['ResourceIds', 'Tags', 'ResourceGroup'])),
  ResourceIds: ex(list(ex(text), t('en', 'actions:instanceIdList'))),
  // A list of {Key, Value}, or a map of key to value.
  Tags: ex(z.union([list(ex(map)), map], { error: t('en', 'actions:keyValueList') })),
  ResourceGroupId: ex(text),
  RegionId: ex(text),
});

/**
 * ACS::SelectTargets for ALIYUN::ECS::Instance: every instance the Filters pick, read with
 * DescribeInstances page by page, in DescribeInstances' own shape so that selectors such as
 * `Instances.Instance[].InstanceId` work. Several filters add up (union, each instance once).
 */
export const selectTargets: BuiltinAction = {
  name: 'ACS::SelectTargets',
  schema: props({
    ResourceType: ex(name),
    RegionId: ex(text),
    Filters: req(list(ex(filterSchema))),
  }),
  async run({ properties, ports }) {
    const type = String(properties.ResourceType ?? 'ALIYUN::ECS::Instance');
    if (type.toUpperCase() !== 'ALIYUN::ECS::INSTANCE')
      return { kind: 'failed', ...said('actions:resourceTypeUnsupported', { type }) };
    const filters = properties.Filters;
    if (!Array.isArray(filters) || filters.length === 0) return { kind: 'failed', ...said('actions:filtersList') };
    const found = new Map<string, Instance>();
    for (const raw of filters) {
      const parsed = parseFilter(raw);
      if (!parsed.ok) return { kind: 'failed', ...parsed.why };
      const filter = parsed.filter;
      const queries = queriesOf(filter);
      if (!Array.isArray(queries)) return { kind: 'failed', ...queries };
      // The console leaves RegionId '' in a target when the template's region applies.
      const region = [filter.RegionId, properties.RegionId].find((r): r is string => typeof r === 'string' && r !== '');
      for (const query of queries) {
        try {
          for (const inst of await describeAll(ports.cloud, region, query)) {
            if (inst.InstanceId && !found.has(inst.InstanceId)) found.set(inst.InstanceId, inst);
          }
        } catch (err) {
          return { kind: 'failed', ...describeCloudError({ service: 'ECS', api: 'DescribeInstances' }, err) };
        }
      }
    }
    return { kind: 'success', result: { TotalCount: found.size, Instances: { Instance: [...found.values()] } } };
  },
};

/** A filter map; a Json parameter may also arrive as its text. */
function parseFilter(raw: unknown): { ok: true; filter: Record<string, unknown> } | { ok: false; why: Said } {
  const notMap = () => ({ ok: false as const, why: said('actions:filterNotMap', { item: JSON.stringify(raw) }) });
  let f = raw;
  if (typeof f === 'string') {
    try {
      f = JSON.parse(f);
    } catch {
      return notMap();
    }
  }
  if (!f || typeof f !== 'object' || Array.isArray(f)) return notMap();
  return { ok: true, filter: f as Record<string, unknown> };
}

/** The DescribeInstances parameters of one filter; an empty id list selects nothing, never everything. */
function queriesOf(f: Record<string, unknown>): Query[] | Said {
  switch (f.Type) {
    case 'ResourceIds': {
      const ids = idList(f.ResourceIds);
      if (!ids) return said('actions:resourceIdsList');
      const chunks: Query[] = [];
      for (let i = 0; i < ids.length; i += PAGE) chunks.push({ InstanceIds: ids.slice(i, i + PAGE) });
      return chunks;
    }
    case 'Tags': {
      const tags = tagList(f.Tags);
      if (!tags || tags.length === 0) return said('actions:tagsTargetNeedsTags');
      if (tags.length > MAX_TAGS) return said('actions:tooManyTags', { max: MAX_TAGS, count: tags.length });
      return [{ Tag: tags }];
    }
    case 'ResourceGroup':
      if (typeof f.ResourceGroupId !== 'string' || !f.ResourceGroupId) return said('actions:resourceGroupNeedsId');
      return [{ ResourceGroupId: f.ResourceGroupId }];
    default:
      return said('actions:targetTypeUnsupported', { type: JSON.stringify(f.Type) });
  }
}

function idList(v: unknown): string[] | undefined {
  let ids = v;
  if (typeof ids === 'string') {
    try {
      ids = ids.trim().startsWith('[') ? JSON.parse(ids) : ids.split(',').filter(Boolean);
    } catch {
      return undefined;
    }
  }
  return Array.isArray(ids) && ids.every((x) => typeof x === 'string') ? ids.map((x) => x.trim()) : undefined;
}

/** [{Key, Value}] as the console writes them; a plain {key: value} map is accepted too. */
function tagList(v: unknown): Array<{ Key: string; Value?: string }> | undefined {
  if (v && typeof v === 'object' && !Array.isArray(v))
    return Object.entries(v).map(([Key, Value]) => ({ Key, Value: String(Value) }));
  if (!Array.isArray(v)) return undefined;
  const tags = v.map((t) =>
    t && typeof t === 'object' && typeof (t as { Key?: unknown }).Key === 'string'
      ? (t as { Key: string; Value?: unknown })
      : undefined,
  );
  if (tags.some((t) => !t)) return undefined;
  return tags.map((t) =>
    t!.Value === undefined || t!.Value === null ? { Key: t!.Key } : { Key: t!.Key, Value: String(t!.Value) },
  );
}

/** Every page of one DescribeInstances query, with NextToken. */
async function describeAll(cloud: CloudPort, regionId: string | undefined, query: Query): Promise<Instance[]> {
  const out: Instance[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const parameters: Query = { ...query, MaxResults: PAGE };
    if (regionId) parameters.RegionId = regionId;
    if (token) parameters.NextToken = token;
    const answer = (await cloud.call({
      service: 'ECS',
      api: 'DescribeInstances',
      parameters,
      ...(regionId ? { regionId } : {}),
    })) as { Instances?: { Instance?: Instance[] }; NextToken?: string };
    const items = answer?.Instances?.Instance ?? [];
    out.push(...items);
    token = answer?.NextToken || undefined;
    if (!token || items.length === 0) break;
  }
  return out;
}
