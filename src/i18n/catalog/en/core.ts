/** English messages of the 'core' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  // A vote's answer to the voter (core/approval-service.ts).
  voteNotInDirectory: 'You are not in the opsgate directory, so you cannot approve.',
  voteNoTicket: 'There is no approval ticket {id}.',
  voteRecorded: 'Your approval of {id} is recorded ({approvals} of {required} approvals).',
  ticketApproved: 'Approval {id} is approved.',
  ticketRejected: 'Approval {id} is rejected.',
  ticketAlready: 'Approval {id} is already {state}.',
  ticketState: '{state, select, APPROVED {approved} REJECT {rejected} timedOut {timed out} other {cancelled}}',
  ticketStateReason: 'cancelled ({reason})',
  notApprover: 'You are not an approver of approval {id}.',
  notApproverAtLevel: 'You are not an approver of approval {id} at its current level ({level}).',
  selfApproval:
    '{run, select, yes {{decision, select, AGREE {You started this run, so you cannot approve it.} ' +
    'other {You started this run, so you cannot vote on its approval; to stop it, cancel it.}}} ' +
    'other {You asked for approval {id}, so you cannot vote on it.}}',
  duplicateVote: 'You already voted on approval {id}; a person counts once per ticket.',
  levelApproved: 'Level {n} of approval {id} is approved; {next} is asked now.',
  levelApprovedNext: 'Level {n} of approval {id} is approved; the next level is asked now.',
  // Kept on the ticket (its reason, a level's note) and answered by the API, in English.
  criteriaDoNotHold: 'its criteria do not hold',
  levelNobody: 'level {level} has nobody who can approve',
  levelTooFew: 'level {level} needs {need} approvals but only {available} can vote ({names})',
  approversNotInDirectory: '{unknown, plural, one {approver} other {approvers}} {names} not in the directory',
  executionEnded:
    'execution {id} {status, select, Success {ended} Failed {failed} Cancelled {cancelled} Running {running} ' +
    'Waiting {waiting} Queued {queued} other {{status}}}',
  executionEndedNote:
    'execution {id} {status, select, Success {ended} Failed {failed} Cancelled {cancelled} Running {running} ' +
    'Waiting {waiting} Queued {queued} other {{status}}}: {note}',
  timedOut: 'timed out',
  escalatedTo: 'escalated to {names}',
  withdrawnBy: 'withdrawn by {user}',
  withdrawOnlyRequester:
    'Only {requester, select, none {the requester} other {{requester}}} can withdraw approval {id}.',
  transferNotInDirectory: 'You are not in the opsgate directory.',
  transferUnknown: '{user} is not in the opsgate directory.',
  transferToRequester: '{user} started this run and cannot approve it.',
  transferMoved: 'The level changed; look at the ticket again.',
  transferNotPending: 'You have no pending approval on ticket {id}.',
  transferAlready: '{user} already is an approver of this level or voted.',
  // Executions ended by hand (core/executions.ts): statusMessage in English, statusText from here.
  cancelled: 'cancelled',
  cancelledBy: 'cancelled by {user}',
  parentCancelled: 'parent {id} {reason}',
  completedByHand: 'completed by hand',
  completedByHandAs: 'completed by hand as {status}',
  onlyWaitingCompletes: 'execution {id} is {status}; only a waiting execution can be completed',
  keepsChanging: 'execution {id} keeps changing; try again',
  // Refusals of who may do what (core/permissions.ts).
  readOnlyTemplate: 'template {name} is loaded from a file (OPSGATE_TEMPLATES): change the file, not the API',
  templateOwner: 'template {name} belongs to {owner}: only they and the group {group} may change or delete it',
  onlySteer:
    'only its starter ({owner, select, none {nobody} other {{owner}}}) and the group {group} may cancel or steer ' +
    'execution {id}',
  onlyResume:
    'only its starter ({owner, select, none {nobody} other {{owner}}}), the approvers of its open approval and the ' +
    'group {group} may resume execution {id}',
  starterNotInDirectory:
    '{template} asks for approval, so it must be started by someone in the opsgate directory ({user} is not)',
  starterUnknown:
    '{template} asks for approval, so it must be started by someone in the opsgate directory ' +
    '(set OPSGATE_USER for the CLI)',
  // TriggerExecution (core/triggers.ts).
  notAtTrigger: 'execution {id} is not waiting at a trigger task',
  wrongTriggerType: 'Type: execution {id} waits at a {kind} trigger, not {type}',
  triggerContentNotJson: 'Content: must be the message body as JSON text',
  clientTokenUsed: 'this ClientToken was used before',
  // The template store (store/templates.ts).
  templateNameInvalid: 'TemplateName {name} must be 1-200 letters, digits, - or _',
  templateNameReserved: 'TemplateName {name} may not start with ALIYUN, ACS, ALIBABA or ALICLOUD',
  templateTooLarge: 'Content of {name} is larger than 64 KB',
  templateExists: 'template {name} already exists',
  templateVersionsFull: 'template {name} already has {max} versions',
  stateTemplateNotRun: 'a State template is stored, not run',
  noSuchFolder: 'no such file or folder',
} as const satisfies Record<string, string>;
