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
  // Slack's variables (chat/slack/env.ts), after the variable's name.
  envPrefix: 'must start with {prefix}',
  envBotTokenForSocket: 'is required with SLACK_APP_TOKEN (Socket Mode needs both)',
  envHttpPair: 'is required when Slack is configured (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET together)',
} as const satisfies Record<string, string>;
