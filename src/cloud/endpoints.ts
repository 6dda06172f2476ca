import { ParameterError } from '../errors.js';
import { type Msg, msg } from '../i18n/index.js';

/**
 * Alibaba Cloud services that ACS::ExecuteAPI, ACS::WaitFor and ACS::CheckFor name in the public
 * OOS templates: API version, host per region, and how list parameters go on the wire.
 * Looked up case-insensitively (`ECS`, `Ecs`, `r-kvstore`, `R-KVSTORE`).
 */
export interface ServiceInfo {
  /** The name as Alibaba Cloud spells it, for messages. */
  name: string;
  version: string;
  /** RPC: Action and parameters in the query, signed in the query. ROA: REST path, signed header. */
  style: 'rpc' | 'roa';
  /** Host name (no scheme) for a region. */
  endpoint(region: string): string;
  /**
   * RPC parameters the API takes as JSON text although a template writes a list, as `Api.Param`
   * or `*.Param`. Other lists go as repeat lists (`Name.1`, `Name.1.Key`) as the RPC convention says.
   */
  jsonParams?: string[];
  /**
   * SDK-style plural names the templates use for repeat lists (OOS maps them as the Java SDK's
   * request beans do): `Api.Param` or `*.Param` → the name on the wire.
   */
  renames?: Record<string, string>;
  /** ROA APIs the templates call without Method and URI. */
  paths?: Record<string, { method: string; uri: string }>;
}

/**
 * Regions where the older products answer on the central host (`rds.aliyuncs.com`), as the SDKs' endpoint
 * table says.
 */
const CENTRAL = new Set([
  'cn-hangzhou',
  'cn-shanghai',
  'cn-beijing',
  'cn-shenzhen',
  'cn-qingdao',
  'cn-hongkong',
  'ap-southeast-1',
  'us-east-1',
  'us-west-1',
  'cn-hangzhou-finance',
  'cn-shanghai-finance-1',
  'cn-shenzhen-finance-1',
  'cn-north-2-gov-1',
]);

const regional = (prefix: string) => (region: string) => `${prefix}.${region}.aliyuncs.com`;
const central = (prefix: string) => (region: string) =>
  CENTRAL.has(region) ? `${prefix}.aliyuncs.com` : `${prefix}.${region}.aliyuncs.com`;
const global = (host: string) => () => host;
/** Mainland China accounts use the first host, international ones the second. */
const byMarket = (china: string, intl: string) => (region: string) =>
  region.startsWith('cn-') && region !== 'cn-hongkong' ? china : intl;

const rpc = (
  name: string,
  version: string,
  endpoint: (r: string) => string,
  extra: Partial<ServiceInfo> = {},
): ServiceInfo => ({ name, version, style: 'rpc', endpoint, ...extra });

const SERVICES: ServiceInfo[] = [
  rpc('ECS', '2014-05-26', regional('ecs'), {
    // The older ECS APIs take these as JSON arrays: DescribeInstances InstanceIds='["i-1","i-2"]'.
    jsonParams: [
      '*.InstanceIds',
      '*.DiskIds',
      '*.SnapshotIds',
      'DescribeSecurityGroups.SecurityGroupIds',
      'DescribeInstances.PrivateIpAddresses',
      'DescribeInstances.PublicIpAddresses',
      'DescribeInstances.InnerIpAddresses',
      'DescribeInstances.EipAddresses',
      'DescribeInstances.RdmaIpAddresses',
    ],
    renames: {
      '*.Tags': 'Tag',
      'TagResources.ResourceIds': 'ResourceId',
      'UntagResources.ResourceIds': 'ResourceId',
      'RunCommand.InstanceIds': 'InstanceId',
      'InvokeCommand.InstanceIds': 'InstanceId',
      'InstallCloudAssistant.InstanceIds': 'InstanceId',
      'DescribeCloudAssistantStatus.InstanceIds': 'InstanceId',
    },
  }),
  rpc('ESS', '2014-08-28', central('ess')),
  rpc('VPC', '2016-04-28', central('vpc')),
  rpc('SLB', '2014-05-15', central('slb'), { jsonParams: ['*.BackendServers'] }),
  rpc('ALB', '2020-06-16', regional('alb')),
  rpc('RDS', '2014-08-15', central('rds')),
  rpc('R-KVSTORE', '2015-01-01', central('r-kvstore')),
  rpc('DDS', '2015-12-01', central('mongodb')),
  rpc('POLARDB', '2017-08-01', central('polardb')),
  rpc('ADB', '2019-03-15', central('adb')),
  rpc('ECI', '2018-08-08', regional('eci')),
  rpc('ROS', '2019-09-10', global('ros.aliyuncs.com')),
  rpc('OOS', '2019-06-01', regional('oos'), { jsonParams: ['*.InstanceIds'] }),
  rpc('RAM', '2015-05-01', global('ram.aliyuncs.com')),
  rpc('STS', '2015-04-01', global('sts.aliyuncs.com')),
  rpc('ResourceManager', '2020-03-31', global('resourcemanager.aliyuncs.com')),
  rpc('TAG', '2018-08-28', regional('tag')),
  rpc('ResourceCenter', '2022-12-01', global('resourcecenter.aliyuncs.com')),
  rpc('ResourceSharing', '2020-01-10', regional('resourcesharing')),
  rpc('HBR', '2017-09-08', regional('hbr'), { jsonParams: ['CreateClients.ClientInfo'] }),
  rpc('KMS', '2016-01-20', regional('kms')),
  rpc('CLOUDAPI', '2016-07-14', regional('apigateway')),
  rpc('BssOpenApi', '2017-12-14', byMarket('business.aliyuncs.com', 'business.ap-southeast-1.aliyuncs.com')),
  rpc('ECD', '2020-09-30', regional('ecd')),
  rpc('ENS', '2017-11-10', global('ens.aliyuncs.com')),
  rpc('CR', '2018-12-01', regional('cr')),
  rpc('CDN', '2018-05-10', global('cdn.aliyuncs.com')),
  rpc(
    'WAF-OPENAPI',
    '2019-09-10',
    byMarket('wafopenapi.cn-hangzhou.aliyuncs.com', 'wafopenapi.ap-southeast-1.aliyuncs.com'),
  ),
  rpc('Actiontrail', '2020-07-06', regional('actiontrail')),
  { name: 'CS', version: '2015-12-15', style: 'roa', endpoint: regional('cs') },
  {
    name: 'SAE',
    version: '2019-05-06',
    style: 'roa',
    endpoint: regional('sae'),
    // SAE's API is ROA but the templates call it like RPC, by name only.
    paths: {
      CreateApplication: { method: 'POST', uri: '/pop/v1/sam/app/createApplication' },
      DescribeChangeOrder: { method: 'GET', uri: '/pop/v1/sam/changeorder/DescribeChangeOrder' },
      BindSlb: { method: 'POST', uri: '/pop/v1/sam/app/slb' },
    },
  },
];

/** Other spellings of the same service seen in templates and SDKs. */
const ALIASES: Record<string, string> = {
  redis: 'R-KVSTORE',
  kvstore: 'R-KVSTORE',
  mongodb: 'DDS',
  apigateway: 'CLOUDAPI',
  bss: 'BssOpenApi',
  waf: 'WAF-OPENAPI',
};

/** In templates, but signed in their own ways (OSS and FC signatures, account-specific FC hosts). */
const UNSUPPORTED: Record<string, Msg> = {
  oss: msg('actions:ossUnsupported'),
  fc: msg('actions:fcUnsupported'),
  'fc.aliyuncs.com': msg('actions:fcUnsupported'),
};

const byName = new Map(SERVICES.map((s) => [s.name.toLowerCase(), s]));

export function findService(name: string): ServiceInfo {
  const key = name.trim().toLowerCase();
  const found = byName.get(ALIASES[key]?.toLowerCase() ?? key);
  if (found) return found;
  if (UNSUPPORTED[key])
    throw new ParameterError(msg('actions:serviceUnsupported', { service: name, reason: UNSUPPORTED[key] }));
  throw new ParameterError(
    msg('actions:unknownService', { service: JSON.stringify(name), known: SERVICES.map((s) => s.name).join(', ') }),
  );
}

/** Whether an RPC parameter takes a list as JSON text rather than as a repeat list. */
export function isJsonParam(service: ServiceInfo, api: string, param: string): boolean {
  return !!service.jsonParams?.some((p) => p === `${api}.${param}` || p === `*.${param}`);
}

/** The wire name of a list parameter a template may write in its SDK spelling. */
export function wireName(service: ServiceInfo, api: string, param: string): string {
  return service.renames?.[`${api}.${param}`] ?? service.renames?.[`*.${param}`] ?? param;
}
