/** English messages of the 'dingtalk' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  keysTogether: 'is required with the other DingTalk key (set both or neither)',
  mustBeRetryDurations: 'must be ISO 8601 durations separated by commas, such as PT1M,PT5M',
  reviewAs: 'Review as {name}',
  reviewAndVote: 'Review and vote',
  open: 'Open',
  orApproveWith: 'Or: @opsgate approve {id}',
  approveWith: 'Approve with @opsgate approve {id}',
  levelLine: '{n}. {name} ({mode}): {status}',
  comment: '{voter} {decision, select, AGREE {approved} other {rejected}}: {comment}',
  waitsForYou: '{title} waits for your approval ({tally})',
  waitingFor: '{title}\n\n{tally}\n\nWaiting for {names}',
  noDingTalkId: 'no DingTalk id in the directory for {names}',
  unknownStaff: 'DingTalk does not know {names} in this organisation: the message did not reach them',
  flowControlled:
    'DingTalk held back the message to {names} (too many messages to them), ' +
    'also after {tries, plural, one {# retry} other {# retries}}',
  cardNotDelivered: 'the approval card did not reach {who}: {error}',
  executionDetails: 'Execution details',
  webhookFailed: 'WebHook {where}: {detail}',
  notAUrl: 'URI is not a URL',
  noAnswer: 'no answer in {seconds} s',
} as const satisfies Record<string, string>;
