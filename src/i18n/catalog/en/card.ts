/** English messages of the 'card' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  // The neutral approval card (approval/card.ts); each platform's renderer adds its chrome below.
  title: 'Approval {id}: {title}',
  tally: '{approvals} of {required, plural, one {# approval} other {# approvals}}',
  level: 'Level {n} of {total}: {name} ({mode})',
  levelMode: '{mode, select, MIN {{min} of them} other {{mode}}}',
  levelStatus:
    '{status, select, active {active} approved {approved} rejected {rejected} skipped {skipped} ' +
    'cancelled {cancelled} notReached {not reached} other {{status}}}',
  approvedBy: 'Approved by {names}',
  rejectedBy: 'Rejected by {voter}',
  rejectedByComment: 'Rejected by {voter}: {comment}',
  anApprover: 'an approver',
  timedOut: 'Timed out: the approval and its run are cancelled',
  cancelled: 'Cancelled',
  cancelledReason: 'Cancelled: {reason}',
  approve: 'Approve',
  reject: 'Reject',
  // Chrome the renderers put around the card's texts (chat/slack/render.ts, the DingTalk card).
  requestedBy: 'Requested by {who}',
  waitingFor: 'Waiting for {who}',
  approvedByLower: 'approved by {who}',
  comment: '{who} {decision, select, AGREE {approved} other {rejected}}: {comment}',
  levelItem: '{n}. {name} ({mode}): {status}',
  // The card's one-line text (notifications) and its reminder.
  summary: '{title}: {state}',
  reminder: 'reminder: {title} still waits for you ({tally})',
} as const satisfies Record<string, string>;
