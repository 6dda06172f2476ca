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
  levelTooFew: 'level {level} needs {need} approvals but only {count} can vote ({names})',
  approversNotInDirectory: '{count, plural, one {approver} other {approvers}} {names} not in the directory',
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
} as const satisfies Record<string, string>;
