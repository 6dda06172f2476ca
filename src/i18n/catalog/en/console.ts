/** English messages of the 'console' namespace: ICU MessageFormat, keyed by what they say. */
// The page's script fills these in the browser: simple {placeholders} only, no plurals or selects.
export default {
  title: 'opsgate console',
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  navExecutions: 'executions',
  navQueues: 'queues',
  devMode: 'development mode',
  devModeTitle:
    'No sign-in: anyone on this machine may act as any directory user. Set OPSGATE_API_TOKENS to require sign-in.',
  actingAs: 'acting as',
  signedInAs: 'signed in as',
  signOut: 'Sign out',
  placeholder: 'run TEMPLATE key=value …   (try: help)',
  commandLabel: 'command',
  send: 'Send',
  noUsers: '(no directory users)',
  onlyYou: '(only you) {text}',
  cancel: 'Cancel',
  rejectWhy: 'Why reject approval {id}?',
  error: 'error {status}',
  fieldTooLong: '{field} must be a string of at most {max} characters',
} as const satisfies Record<string, string>;
