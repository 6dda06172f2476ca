import type en from '../en/config.js';

/** zh-CN messages of the 'config' namespace: the same keys as en/config.ts (the types check it). */
export default {
  variableProblem: '{name}：{problem}{shown}',
  gotValue: '（实际为 {value}）',
  mustBePort: '必须是端口号',
  mustBeUrl: '必须是 URL',
  mustHaveMinCharacters: '不能少于 {min} 个字符',
  mustBeApiTokens: '必须是以逗号分隔的 name:token 对，每个 token 至少 16 个字符',
  mustBeRequestsAMinute: '必须是每分钟的请求数',
  mustBeWholeNumber: '必须是整数',
  mustBeAtLeast: '不能小于 {min}',
  mustBeGroupName: '必须是组名',
  mustBeRetention: '必须是不短于 PT1S 的 ISO 8601 时长，例如 P30D',
  mustBePostgresUrl: '必须是 postgres:// URL',
  mustBeLocale: '必须是以下之一：{locales}',
  mustBeTimeZone: '必须是 IANA 时区，例如 Asia/Shanghai',
  mustBeKeyPrefix: '必须由 1-40 个字母、数字、- 或 _ 组成',
  mustBeRegion: '必须是地域 ID，例如 cn-hangzhou',
  mustBeMilliseconds: '必须是毫秒数',
  mustBeWholeMilliseconds: '必须是整数毫秒',
  mustBeMegabytes: '必须是兆字节（MB）数',
  mustBeWholeMegabytes: '必须是整数兆字节（MB）',
  otherCloudKeyRequired: '设置了另一个阿里云密钥时必填（两个都设置或都不设置）',
  declaredTwice: '{name} 被声明了两次（聊天平台 {platform}）',
  platformNameWrong:
    '聊天平台 {name} {wrong, select, reserved {不是聊天平台} twice {被注册了两次} other {必须是小写名称}}' +
    '（src/chat/adapters.ts）',
  platformClashesWithField: '聊天平台 {platform} 不能在通讯录中列出人员：通讯录已有 {platform} 字段',
  sectionNotParsed: '该配置未解析这一部分的设置',
  fileProblem: '{variable} {file}：{problem}',
  pathProblem: '{path}：{problem}',
  rootPath: '（顶层）',
  policiesMustBeMap: "必须包含映射 'policies'，从名称映射到 '{Applies, Levels, ...}'",
  levelsRequired: '必填（或填写 Approvers）',
  policyApplies: '适用审批策略 {name}',
} satisfies Record<keyof typeof en, string>;
