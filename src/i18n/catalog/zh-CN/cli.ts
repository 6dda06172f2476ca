import type en from '../en/cli.js';

/** zh-CN messages of the 'cli' namespace: the same keys as en/cli.ts (the types check it). */
export default {
  usage:
    '用法：opsgate <command>\n' +
    '  start                          在一个进程中运行机器人、HTTP 服务和 worker（npm start）\n' +
    '  bot                            只运行机器人和 HTTP 服务（Procfile web:）\n' +
    '  worker                         只运行 BullMQ worker（Procfile worker:）\n' +
    '  validate PATH... [--json] [--twins]  检查模板（文件或文件夹）\n' +
    '  run TEMPLATE [key=value ...]   启动一次执行并跟踪其进度\n' +
    '  audit --since DATE [--until DATE] [--format csv|jsonl]\n' +
    '                                 将该时间范围内的每条审批记录输出到 stdout',
  unknownCommand: '未知命令 {command}',
  webConsoleAt: 'Web 控制台：{url}',
  auditDecisions: '{count, plural, other {共 {n} 条审批记录}}',
  auditNotAnOption: '{flag}：audit 没有此选项（用法：opsgate audit --since DATE [--until DATE] [--format csv|jsonl]）',
  auditNotADate: '--{name} {value}：不是日期，日期格式如 2026-03-01',
  auditSinceRequired: '必须提供 --since（用法：opsgate audit --since DATE [--until DATE] [--format csv|jsonl]）',
  auditFormat: '--format {format}：只能是 csv 或 jsonl',
  runUsage: '用法：opsgate run TEMPLATE [key=value ...]',
  notKeyValue: '{word} 不是 key=value 形式',
  noWorker: '还没有运行中的 worker；请用 `opsgate worker` 或 `npm start` 启动',
  runProgress:
    '{id} {status}{hasTask, select, yes {，当前任务 {task}} other {}}{hasMessage, select, yes {：{message}} other {}}',
  runEnded: '执行 {id}：{template} {version} {status}{hasMessage, select, yes {（{message}）} other {}}',
  runTask: '任务 {name} {status}{hasMessage, select, yes {：{message}} other {}}',
  runOutputs: '输出：{outputs}',
  templateFileInvalid: '模板 {name} 无效（{file}）：',
  templateInvalid: '模板无效：',
  templateNotLoaded: '模板 {name} 在 {file} 中，但尚未加载：opsgate 在 `opsgate start` 或 `opsgate bot` 启动时加载模板',
  cloudNotConfigured: '未配置阿里云：请设置 ALIBABA_CLOUD_ACCESS_KEY_ID 和 ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  cannotListen: '无法监听 {host}:{port}：{reason}{inUse, select, yes {（端口已被其他进程占用；请设置 PORT）} other {}}',
  validateUsage: '用法：opsgate validate PATH... [--json] [--twins]',
  pathMissing: '{path}：文件或文件夹不存在',
  pathUnreadable: '{path}：无法读取（{reason}）',
  validateOk: '通过 {file}',
  validateFail: '失败 {file}',
  validateDiffer: '不一致 {yaml} 与 {json} 在 {at} 处不同',
  validateSummary:
    '{count, plural, other {共 {n} 个模板}}：{valid} 个有效，{invalid} 个无效' +
    '{twins, select, yes {；{pairs, plural, other {{differ} 对 YAML/JSON 文件内容不同}}} other {}}',
} satisfies Record<keyof typeof en, string>;
