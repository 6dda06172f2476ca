/** English messages of the 'cli' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  usage:
    'usage: opsgate <command>\n' +
    '  start                          bot, HTTP server and worker in one process (npm start)\n' +
    '  bot                            bot and HTTP server only (Procfile web:)\n' +
    '  worker                         BullMQ worker only (Procfile worker:)\n' +
    '  validate PATH... [--json] [--twins]  check templates (files or folders)\n' +
    '  run TEMPLATE [key=value ...]   start an execution and follow it\n' +
    '  audit --since DATE [--until DATE] [--format csv|jsonl]\n' +
    '                                 every approval decision in the range, to stdout',
  unknownCommand: 'unknown command: {command}',
  webConsoleAt: 'web console at {url}',
  auditDecisions: '{count, plural, one {{n} approval decision} other {{n} approval decisions}}',
  auditNotAnOption:
    '{flag}: not an option of audit (usage: opsgate audit --since DATE [--until DATE] [--format csv|jsonl])',
  auditNotADate: '--{name} {value}: not a date such as 2026-03-01',
  auditSinceRequired: '--since is required (usage: opsgate audit --since DATE [--until DATE] [--format csv|jsonl])',
  auditFormat: '--format {format}: csv or jsonl',
  runUsage: 'usage: opsgate run TEMPLATE [key=value ...]',
  notKeyValue: '{word} is not key=value',
  noWorker: 'no worker is running yet; start one with `opsgate worker` or `npm start`',
  runProgress:
    '{id} {status}{hasTask, select, yes { at {task}} other {}}{hasMessage, select, yes {: {message}} other {}}',
  runEnded: '{id}: {template} {version} is {status}{hasMessage, select, yes { ({message})} other {}}',
  runTask: '{name} {status}{hasMessage, select, yes {: {message}} other {}}',
  runOutputs: 'outputs: {outputs}',
  templateFileInvalid: 'template {name} is invalid ({file}):',
  templateInvalid: 'the template is invalid:',
  templateNotLoaded:
    'template {name} is in {file} but not loaded: opsgate loads its templates when `opsgate start` or ' +
    '`opsgate bot` starts',
  cloudNotConfigured:
    'Alibaba Cloud is not configured: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  cannotListen:
    'cannot listen on {host}:{port}: {reason}{inUse, select, yes { (another process has it; set PORT)} other {}}',
  validateUsage: 'usage: opsgate validate PATH... [--json] [--twins]',
  pathMissing: '{path}: no such file or folder',
  pathUnreadable: '{path}: cannot be read ({reason})',
  validateOk: 'ok   {file}',
  validateFail: 'FAIL {file}',
  validateDiffer: 'DIFF {yaml} and {json} differ at {at}',
  validateSummary:
    '{count, plural, one {{n} template} other {{n} templates}}: {valid} valid, {invalid} invalid' +
    '{twins, select, yes {; {pairs, plural, one {{differ} YAML/JSON pair differ}' +
    ' other {{differ} YAML/JSON pairs differ}}} other {}}',
} as const satisfies Record<string, string>;
