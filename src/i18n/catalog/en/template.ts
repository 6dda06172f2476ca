/** English messages of the 'template' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  // Building blocks: a text from outside the catalogue, lists of messages, values, hints.
  verbatim: '{text}',
  twoLines: '{first}\n{rest}',
  twoClauses: '{first}; {rest}',
  withGot: '{problem}, got {value}',
  shownValue: '{kind, select, list {a list} map {a map} other {{json}}}',
  didYouMean: ' (did you mean {name}?)',
  orList: '{items} or {last}',
  kindName:
    '{kind, select, string {text} number {a number} array {a list} object {a map} record {a map} ' +
    'boolean {true or false} int {a whole number} other {{kind}}}',
  // zod's own words, as zod writes them.
  zodTooSmallSize:
    'Too small: expected {origin} to have {op, select, exactly {exactly } other {{op}}}{limit} ' +
    '{unit, select, characters {characters} bytes {bytes} items {items} other {entries}}',
  zodTooBigSize:
    'Too big: expected {origin} to have {op, select, exactly {exactly } other {{op}}}{limit} ' +
    '{unit, select, characters {characters} bytes {bytes} items {items} other {entries}}',
  zodTooSmall: 'Too small: expected {origin} to be {op, select, exactly {exactly } other {{op}}}{limit}',
  zodTooBig: 'Too big: expected {origin} to be {op, select, exactly {exactly } other {{op}}}{limit}',
  zodInvalidType: 'Invalid input: expected {expected}, received {received}',
  zodInvalidValue: 'Invalid input: expected {value}',
  zodInvalidOption: 'Invalid option: expected one of {values}',
  zodUnrecognizedKeys: 'Unrecognized {many, select, yes {keys} other {key}}: {keys}',
  // What a value must be.
  isRequired: 'is required',
  isNotValid: 'is not valid',
  mustBe: 'must be {what}',
  mustBeWholeNumber: 'must be a whole number',
  mustBeAtLeast: 'must be at least {min}',
  mustBeOneOf: 'must be one of {values}',
  mustBeValue: 'must be {values}',
  mustBeList: 'must be a list',
  mustBeMap: 'must be a map',
  mustBeText: 'must be text',
  mustBeTrueOrFalse: 'must be true or false',
  mustNotBeEmpty: 'must not be empty',
  mustBeLocalizedText: 'must be text or a map of languages to text',
  mustBeCountOrPercentage: 'must be a number or a percentage such as 10%',
  mustBeAggregate: 'must be Fn::ListJoin or Fn::Sum',
  mustBeJqSelector: 'must be a jq selector',
  mustBeTaskName: 'must be a task name',
  mustBeTaskNameCharacters: 'must be 1-200 letters, digits, - or _',
  mustBeActionName: 'must be an action name',
  mustBeActionNameForm: 'must be ACS::Name, ACS::Product::Name, Opsgate::Name or a template name',
  mustBeTaskList: 'must be a list of tasks',
  mustListOneTask: 'must list at least one task',
  mustBeDurationOrSeconds: 'must be an ISO-8601 duration such as PT10M (or seconds)',
  mustBeTextOrNumber: 'must be text or a number',
  mustBeTextOrTextList: 'must be text or a list of text',
  // Keys of a map.
  unknownKey: 'unknown key {key}{hint}',
  knownKeys: ' (known keys: {keys})',
  takesNoProperties: ' (it takes no properties)',
  // Actions.
  unknownActionNear: 'unknown action {action} (did you mean {near}?)',
  unknownActionNamespaced: 'unknown action {action}: not a built-in action ({names}) nor ACS::Product::Name',
  unknownAction: 'unknown action {action}: not a built-in action, ACS::Product::Name or a template in the store',
  keyNotSupported: '{key} is not supported: {why}',
  // Tasks and references between them.
  taskNameUsed: 'task name {name} is already used by Tasks[{index}]',
  notATarget: '{target} is not a task name, ACS::NEXT or ACS::END{hint}',
  scriptLine: 'line {line} of the script: {problem}',
  unknownBuiltin: "'{{' {ref} '}}': unknown built-in variable{hint}",
  emptyReference: "'{{ }}': empty reference",
  noParameterNamed: "'{{' {ref} '}}': no parameter{orTask, select, yes { or task} other {}} named {head}{hint}",
  noOutput: "'{{' {ref} '}}': task {task} has no output {output}{outputs}",
  itHas: ' (it has {names})',
  cannotHaveRun: "'{{' {ref} '}}': task {task} cannot have run before {at}",
  // Patterns (AllowedPattern, the criteria's matches), which must run in linear time.
  patternNotValid: '{pattern} is not a valid pattern: {why}',
  patternLookaround:
    'lookaround ((?=, (?!, (?<=, (?<!) is only supported at the start of the pattern (lookahead) or at its ' +
    'end (lookbehind); the pattern must match in linear time',
  patternBackreference:
    'backreferences (\\1, \\k<name>) cannot be matched in linear time; write the pattern without them',
  // Parameters a run is given.
  parameterUnknown:
    'unknown parameter ({none, select, yes {the template takes none} other {the template takes {names}}})',
  parameterRequired: 'is required ({type})',
  parameterDefault: 'default {problem}',
  parameterMustBe:
    'must be {type, select, String {text} Number {a number} Boolean {true or false} List {a list} other {JSON}}',
  withConstraint: '{problem} ({constraint})',
  mustHaveMinCharacters: 'must be at least {min} characters',
  mustHaveMaxCharacters: 'must be at most {max} characters',
  mustMatchPattern: 'must match {pattern} (the whole value)',
  mustHaveMinItems: 'must have at least {min} items',
  mustHaveMaxItems: 'must have at most {max} items',
  mustBeAtMost: 'must be at most {max}',
  allowedPatternProblem: 'AllowedPattern {problem}',
  // References while a run evaluates them.
  referenceNotAvailable: "'{{' {ref} '}}' is not available here",
  referenceToParameterStore: "'{{' {ref} '}}': OOS parameter-store references are not supported",
  referenceTaskNotRun: "'{{' {ref} '}}': task {task} has not run",
  referenceNamesNothing: "'{{' {ref} '}}' does not name a parameter or a task output",
  referenceNoKey: "'{{' {ref} '}}': no {key} in the value",
  // Opsgate::RunShellScript: where a reference stands in the Script.
  scriptEnvAdvice: 'pass it as {env} and write "$VALUE"',
  scriptInBackticks:
    "'{{' {ref} '}}' is inside backticks, whose text the shell parses again: use $(...) instead of `...`",
  scriptInParameter: "'{{' {ref} '}}' is inside $'{'...'}', where it would be a pattern: {advice}",
  scriptInArithmetic: "'{{' {ref} '}}' is inside $((...)), where it would be arithmetic code: {advice}",
  scriptInSingleQuotes:
    "'{{' {ref} '}}' is inside single quotes, where nothing is expanded: close them around it ({quoted}), or {advice}",
  scriptInQuotedHeredoc:
    "'{{' {ref} '}}' is in a quoted here-document (<<''{delimiter}''), where nothing is expanded: " +
    'write <<{delimiter}, or {advice}',
  scriptNotOneString:
    "a Script with '{{ }}' references must be one string (not Fn:: functions), so that each reference is " +
    'placed as a variable',
  scriptRefusedLine: 'line {line}: {problem}',
  scriptValueHoldsNul: "'{{' {ref} '}}' holds a NUL character, which no shell variable can",
  // jq programs (ValueSelector, PropertySelector, Fn::Jq).
  jqFailed: '{what}: {problem}',
  jqPoolClosed: 'the jq pool is closed',
  jqTimeout: 'jq program did not finish within {ms} ms',
  jqOutOfMemory: 'jq program ran out of memory',
  jqTooMuchOutput: 'jq program gave more than {max} characters of output',
  jqStoppedBecause: 'jq stopped: {why}',
  jqStoppedUnexpectedly: 'jq stopped unexpectedly',
  jqStopped: 'jq stopped',
  // Reading the text.
  templateInvalid: '{source} is invalid:\n{problems}',
  problemLine: '  {path}{at}: {problem}',
  atLine: ' (line {line})',
  atLineColumn: ' (line {line}, column {column})',
  rootPath: '(root)',
  atPath: '{path}: {problem}',
  notAMap: 'a template must be a map with FormatVersion and Tasks',
  formatVersionRequired: 'is required (OOS-2019-06-01)',
  mustBeFormatVersion: 'must be OOS-2019-06-01',
  stateTemplateNotRun: 'a State template is stored, not run',
  notValidJson: 'not valid JSON: {why}',
  yamlBadIndent: 'bad indentation',
  yamlTabIndent: 'tabs are not allowed as indentation; use spaces',
  yamlKeyOnOneLine: 'a key must be on one line; check the indentation of this line and the one above',
  yamlDuplicateKey: 'this key is already set in the same map',
  yamlKeySetTwice: 'key {key} is already set in the same map',
  yamlNotClosed: 'a {what} is not closed before the end of the file',
  templateTooLarge: 'the template is larger than {kib} KiB (the limit)',
  nestedTooDeep: 'maps and lists are nested more than {limit} levels deep (the limit)',
  tooManyAliases: 'YAML aliases are used more than {limit} times (the limit)',
  aliasContainsItself: 'a YAML alias refers to a node that contains it',
  aliasesExpandTooMuch: 'YAML aliases expand the template to more than {limit} values and characters (the limit)',
  // Criteria (approval levels, policies).
  mustBeClause: 'must be one of And, Or, Not, Constant, Expression',
  mustBeClauseList: 'must be a list of clauses',
  mustBeComparison: "must be '{Left, Operator, Right}'",
  mustBePathFrom: 'must be a path starting with {roots}',
  unknownClause: 'unknown clause {key} (And, Or, Not, Constant, Expression)',
  // ACS::Approve.
  mustBeLevelList: 'must be a list of levels',
  approversInEachLevel: 'give Approvers in each level when Levels is used',
  mustBeLevel: 'must be a map with Name, Mode, Approvers',
  levelTakes: ' (a level takes {keys})',
  mustBeAnyOrAll: 'must be ANY or ALL',
  mustBeApprovers: 'must be a list of directory users or group:NAME',
  mustBeDurationHours: 'must be an ISO-8601 duration such as PT4H',
  mustBeDurationDays: 'must be an ISO-8601 duration such as P2D or PT4H',
  mustBeReasons: 'must be a list of text (why the approval is required)',
  approversMustBeNames: 'Approvers must be a list of directory user names',
  minApprovals: 'MinRequiredApprovals must be a whole number of at least 1',
  levelProblem: 'level {level}: {problem}',
  // The name of a level the template names not (its English is what the API answers).
  defaultLevelName: 'Approval',
  numberedLevelName: 'Level {n}',
  webHookUriRequired: 'WebHook.URI is required with NotifyType WebHook',
  mailHostFromRequired: 'Mail.Host and Mail.From are required with NotifyType Mail',
  notifyTypeMustBe: 'NotifyType must be WebHook or Mail',
} as const satisfies Record<string, string>;
