import OpenApiModule, { Config, OpenApiRequest, Params } from '@alicloud/openapi-client';
import OpenApiUtilModule from '@alicloud/openapi-util';
import RPCClient from '@alicloud/pop-core';
import { RuntimeOptions } from '@alicloud/tea-util';

/*
 * Alibaba Cloud's official clients, driven as the generated product SDKs drive them. The generated
 * packages (@alicloud/oos20190601, @alicloud/dms-enterprise20181101) are not installable here; what
 * they add to @alicloud/openapi-client is, per action, which request fields go to the query and which
 * to the form body, which are "shrunk" to JSON text first, and the Params of the call. Those are copied
 * below, one table row per action, from aliyun/alibabacloud-typescript-sdk (oos-20190601/src/client.ts
 * and dms-enterprise-20181101/src/client.ts, the $dara generation of 2025, which agrees with the
 * older @alicloud/openapi-client generation of oos-20190601/src/client.ts wherever both were read).
 *
 * Both SDKs put every field of these actions in the query: no action here has a body, even though
 * each is a POST with reqBodyType formData. A 40 KB template Content therefore rides in the URL.
 */

// @alicloud/openapi-client and @alicloud/openapi-util are CommonJS with `exports.default`; from ESM the
// default import is module.exports, the class is its `default`.
const OpenApiClient = OpenApiModule.default;
const OpenApiUtil = OpenApiUtilModule.default;

export type AlibabaClient = InstanceType<typeof OpenApiClient>;
export type AlibabaResponse = { statusCode: number; headers: Record<string, string>; body: unknown };

/**
 * How one action lays out its request. `query` and `body` name the fields (wire names) the SDK copies
 * there; `shrink` are the fields the SDK turns into JSON text itself (arrayToStringWithSpecifiedStyle
 * 'json', typed as maps or lists in the SDK's request model); `json` are fields the SDK types as plain
 * strings that hold JSON, which a caller of the SDK has to JSON.stringify (done here when given an object).
 * A field in neither `shrink` nor `json` must be a string, number or boolean.
 */
interface Layout {
  query: readonly string[];
  body?: readonly string[];
  shrink?: readonly string[];
  json?: readonly string[];
}

/** The Params every action below shares (POST / RPC, answer JSON), as the generated SDKs spell them. */
const RPC = {
  protocol: 'HTTPS',
  pathname: '/',
  method: 'POST',
  authType: 'AK',
  style: 'RPC',
  reqBodyType: 'formData',
  bodyType: 'json',
} as const;

/** The Params of an RPC call as a generated SDK makes it; `bodyType: 'string'` to read an XML answer. */
export function rpcParams(action: string, version: string, bodyType: 'json' | 'string' = 'json'): Params {
  return new Params({ action, version, ...RPC, bodyType });
}

export const OOS_VERSION = '2019-06-01';
export const DMS_VERSION = '2018-11-01';

/** OOS 2019-06-01, from aliyun/alibabacloud-typescript-sdk oos-20190601/src/client.ts (`<action>WithOptions`). */
export const OOS: Record<string, Layout> = {
  // createTemplateWithOptions: Tags shrunk; Content (the whole template) in the query.
  CreateTemplate: {
    query: ['Content', 'RegionId', 'ResourceGroupId', 'Tags', 'TemplateName', 'VersionName'],
    shrink: ['Tags'],
  },
  // updateTemplateWithOptions: the same fields as CreateTemplate.
  UpdateTemplate: {
    query: ['Content', 'RegionId', 'ResourceGroupId', 'Tags', 'TemplateName', 'VersionName'],
    shrink: ['Tags'],
  },
  // getTemplateWithOptions.
  GetTemplate: { query: ['RegionId', 'TemplateName', 'TemplateVersion'] },
  // listTemplatesWithOptions: Tags shrunk.
  ListTemplates: {
    query: [
      'Category',
      'CreatedBy',
      'CreatedDateAfter',
      'CreatedDateBefore',
      'HasTrigger',
      'IsExample',
      'IsFavorite',
      'MaxResults',
      'NextToken',
      'RegionId',
      'ResourceGroupId',
      'ShareType',
      'SortField',
      'SortOrder',
      'Tags',
      'TemplateFormat',
      'TemplateName',
      'TemplateType',
    ],
    shrink: ['Tags'],
  },
  // deleteTemplateWithOptions.
  DeleteTemplate: { query: ['AutoDeleteExecutions', 'RegionId', 'TemplateName'] },
  // validateTemplateContentWithOptions: Content in the query.
  ValidateTemplateContent: { query: ['Content', 'RegionId', 'TemplateURL'] },
  // startExecutionWithOptions: Tags shrunk; Parameters is a string in StartExecutionRequest (JSON text).
  StartExecution: {
    query: [
      'ClientToken',
      'Description',
      'LoopMode',
      'Mode',
      'Parameters',
      'ParentExecutionId',
      'RegionId',
      'ResourceGroupId',
      'SafetyCheck',
      'Tags',
      'TemplateContent',
      'TemplateName',
      'TemplateURL',
      'TemplateVersion',
    ],
    shrink: ['Tags'],
    json: ['Parameters'],
  },
  // listExecutionsWithOptions: RdFolderIds and Tags shrunk.
  ListExecutions: {
    query: [
      'AccountId',
      'Categories',
      'Category',
      'Depth',
      'Description',
      'EndDateAfter',
      'EndDateBefore',
      'ExecutedBy',
      'ExecutionId',
      'IncludeChildExecution',
      'MaxResults',
      'Mode',
      'NextToken',
      'ParentExecutionId',
      'RamRole',
      'RdFolderIds',
      'RegionId',
      'ResourceGroupId',
      'ResourceId',
      'ResourceTemplateName',
      'SortField',
      'SortOrder',
      'StartDateAfter',
      'StartDateBefore',
      'Status',
      'Tags',
      'TemplateName',
    ],
    shrink: ['RdFolderIds', 'Tags'],
  },
  // listTaskExecutionsWithOptions.
  ListTaskExecutions: {
    query: [
      'AccountId',
      'EndDateAfter',
      'EndDateBefore',
      'ExecutionId',
      'IncludeChildTaskExecution',
      'MaxResults',
      'NextToken',
      'ParentTaskExecutionId',
      'RegionId',
      'SortField',
      'SortOrder',
      'StartDateAfter',
      'StartDateBefore',
      'Status',
      'TaskAction',
      'TaskExecutionId',
      'TaskName',
    ],
  },
  // notifyExecutionWithOptions: Parameters is a string in NotifyExecutionRequest (JSON text).
  NotifyExecution: {
    query: [
      'ExecutionId',
      'ExecutionStatus',
      'LoopItem',
      'NotifyNote',
      'NotifyType',
      'Parameters',
      'RegionId',
      'TaskExecutionId',
      'TaskExecutionIds',
      'TaskName',
    ],
    json: ['Parameters'],
  },
  // triggerExecutionWithOptions.
  TriggerExecution: { query: ['ClientToken', 'Content', 'ExecutionId', 'RegionId', 'Type'] },
  // cancelExecutionWithOptions.
  CancelExecution: { query: ['ExecutionId', 'RegionId'] },
};

/**
 * DMS Enterprise 2018-11-01, from aliyun/alibabacloud-typescript-sdk dms-enterprise-20181101/src/client.ts
 * (`<action>WithOptions`).
 */
export const DMS: Record<string, Layout> = {
  // getApprovalDetailWithOptions.
  GetApprovalDetail: { query: ['Tid', 'WorkflowInstanceId'] },
  // approveOrderWithOptions.
  ApproveOrder: {
    query: [
      'ApprovalNodeId',
      'ApprovalNodePos',
      'ApprovalType',
      'Comment',
      'NewApprover',
      'NewApproverList',
      'OldApprover',
      'RealLoginUserUid',
      'Tid',
      'WorkflowInstanceId',
    ],
  },
};

/**
 * An @alicloud/openapi-client Client for a loopback endpoint ('127.0.0.1:PORT'), configured as a product
 * SDK's constructor leaves it when given an endpoint. Without `signatureAlgorithm` callApi signs ACS3-HMAC-SHA256
 * (doRequest); with 'v2' it takes doRPCRequest, the HMAC-SHA1 "signature 1.0" of the RPC style. Timeouts
 * are 10 s (httpx's default would be 3 s); the runtime below never retries.
 */
export function oosClient(
  endpoint: string,
  accessKeyId: string,
  accessKeySecret: string,
  opts: { signatureAlgorithm?: 'v2'; securityToken?: string } = {},
): AlibabaClient {
  return new OpenApiClient(
    new Config({
      accessKeyId,
      accessKeySecret,
      securityToken: opts.securityToken,
      protocol: 'HTTP',
      endpoint,
      regionId: 'cn-hangzhou',
      signatureAlgorithm: opts.signatureAlgorithm,
      readTimeout: 10_000,
      connectTimeout: 10_000,
    }),
  );
}

/** The runtime options of a call that is tried once: a refused call is an error, not a retry. */
export function onceRuntime(): RuntimeOptions {
  return new RuntimeOptions({ autoretry: false, maxAttempts: 1, readTimeout: 10_000, connectTimeout: 10_000 });
}

function wireValue(product: string, action: string, field: string, value: unknown, layout: Layout): unknown {
  if (layout.shrink?.includes(field)) {
    if (typeof value !== 'object' || value === null) {
      throw new Error(`${product} ${action}: ${field} is a map or list in the SDK (it shrinks it to JSON itself)`);
    }
    return OpenApiUtil.arrayToStringWithSpecifiedStyle(value, field, 'json');
  }
  if (layout.json?.includes(field)) return typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`${product} ${action}: ${field} is a string, number or boolean in the SDK`);
}

async function call(
  product: string,
  version: string,
  table: Record<string, Layout>,
  client: AlibabaClient,
  action: string,
  request: Record<string, unknown>,
  runtime: RuntimeOptions,
): Promise<AlibabaResponse> {
  const layout = Object.hasOwn(table, action) ? table[action] : undefined;
  if (!layout) throw new Error(`${product} ${version} has no action ${action} here`);
  const query: Record<string, unknown> = {};
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) {
    if (value === undefined || value === null) continue;
    const target = layout.query.includes(field) ? query : layout.body?.includes(field) ? body : undefined;
    if (!target) throw new Error(`${product} ${action}: ${field} is not a field of the SDK's request`);
    target[field] = wireValue(product, action, field, value, layout);
  }
  const req = new OpenApiRequest({
    query: OpenApiUtil.query(query),
    ...(layout.body ? { body } : {}),
  });
  const params = rpcParams(action, version);
  const res = await client.callApi(params, req, runtime);
  return { statusCode: res.statusCode as number, headers: res.headers as Record<string, string>, body: res.body };
}

/** One OOS 2019-06-01 call as the generated SDK makes it; `request` uses the wire (PascalCase) names. */
export function oos(
  client: AlibabaClient,
  action: string,
  request: Record<string, unknown>,
  runtime: RuntimeOptions = onceRuntime(),
): Promise<AlibabaResponse> {
  return call('OOS', OOS_VERSION, OOS, client, action, request, runtime);
}

/** One DMS Enterprise 2018-11-01 call as the generated SDK makes it. */
export function dms(
  client: AlibabaClient,
  action: string,
  request: Record<string, unknown>,
  runtime: RuntimeOptions = onceRuntime(),
): Promise<AlibabaResponse> {
  return call('DMS', DMS_VERSION, DMS, client, action, request, runtime);
}

/**
 * @alicloud/pop-core's RPCClient for 'http://127.0.0.1:PORT'. Its `request(action, params)` is a GET with
 * every parameter (and Signature, last) in the query; `request(action, params, { method: 'POST' })` sends
 * the same list as a form body to `/`. formatParams upper-cases the first letter of each key; lists are
 * flattened (`Tags.1.Key`), objects are not (they are sent as String(value)).
 */
export function popClient(
  endpoint: string,
  accessKeyId: string,
  accessKeySecret: string,
  apiVersion: string,
  opts: { securityToken?: string } = {},
): RPCClient {
  return new RPCClient({
    endpoint,
    apiVersion,
    accessKeyId,
    accessKeySecret,
    securityToken: opts.securityToken,
    opts: { timeout: 10_000 },
  });
}
