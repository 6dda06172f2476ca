/** English messages of the 'slack' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  // Modals (chat/slack/form.ts).
  runModalTitle: 'Run a runbook',
  runModalSubmit: 'Run',
  modalCancel: 'Cancel',
  rejectWhy: 'Why reject approval {id}?',
  // App Home.
  homePending: 'Approvals waiting for you',
  homeNothingWaits: 'Nothing waits for you.',
  homeTicket: '*{title}*\nasked by {requester, select, none {someone} other {{requester}}} · {tally}',
  homeRuns: 'Your recent runs',
  homeNoRuns: 'No runs yet.',
} as const satisfies Record<string, string>;
