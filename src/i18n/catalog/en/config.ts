/** English messages of the 'config' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  // One line naming the variable: `PORT must be a port number (got "x")`.
  variableProblem: '{name} {problem}{shown}',
  gotValue: ' (got {value})',
  mustBePort: 'must be a port number',
  mustBeUrl: 'must be a URL',
  mustHaveMinCharacters: 'must be at least {min} characters',
  mustBeAccessKeys:
    'must be user:AccessKeyId:AccessKeySecret triples separated by commas, each secret at least 16 characters',
  accessKeyTwice: 'names the AccessKeyId {id} twice',
  mustBeHostPorts: 'must be host:port pairs separated by commas',
  mustBeSentinelName: 'must be the name Sentinel monitors the primary under (letters, digits, _ . -)',
  mustBeTrueOrFalse: 'must be true or false',
  sentinelNameRequired: 'is required with REDIS_SENTINELS: the name Sentinel monitors the primary under',
  sentinelsRequired: 'is required with REDIS_SENTINEL_NAME: the Sentinels to ask for the primary',
  clusterOrSentinels: 'cannot be set with REDIS_CLUSTER_NODES: a Redis Cluster fails over by itself',
  mustBeApiTokens: 'must be name:token pairs separated by commas, each token at least 16 characters',
  mustBeRequestsAMinute: 'must be a number of requests a minute',
  mustBeWholeNumber: 'must be a whole number',
  mustBeAtMost: 'must be at most {max}',
  mustBeAtLeast: 'must be at least {min}',
  mustBeGroupName: 'must be a group name',
  mustBeRetention: 'must be an ISO 8601 duration of at least PT1S, such as P30D',
  mustBePostgresUrl: 'must be a postgres:// URL',
  mustBeLocale: 'must be one of {locales}',
  mustBeTimeZone: 'must be an IANA time zone, such as Asia/Shanghai',
  mustBeKeyPrefix: 'must be 1-40 letters, digits, - or _',
  mustBeRegion: 'must be a region id such as cn-hangzhou',
  mustBeMilliseconds: 'must be milliseconds',
  mustBeWholeMilliseconds: 'must be whole milliseconds',
  mustBeMegabytes: 'must be megabytes',
  mustBeWholeMegabytes: 'must be whole megabytes',
  otherCloudKeyRequired: 'is required with the other Alibaba Cloud key (set both or neither)',
  // The chat platforms of the registry (src/chat/adapters.ts).
  declaredTwice: '{name} is declared twice (chat platform {platform})',
  platformNameWrong:
    'chat platform {name} {wrong, select, reserved {is not a chat platform} twice {is registered twice} ' +
    'other {must be a lower-case name}} (src/chat/adapters.ts)',
  platformClashesWithField: 'chat platform {platform} cannot list people: the directory has a {platform} field',
  sectionNotParsed: 'settings of a section this configuration did not parse',
  // Files named by a variable (OPSGATE_DIRECTORY, OPSGATE_POLICIES).
  fileProblem: '{variable} {file}: {problem}',
  pathProblem: '{path} {problem}',
  rootPath: '(root)',
  policiesMustBeMap: "must have a map 'policies' of name to '{Applies, Levels, ...}'",
  levelsRequired: 'is required (or Approvers)',
  policyApplies: 'approval policy {name} applies',
} as const satisfies Record<string, string>;
