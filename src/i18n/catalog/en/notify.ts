/** English messages of the 'notify' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  robotLater: 'the robot takes 20 messages a minute: later',
  noEmail: 'no e-mail in the directory for {names}',
} as const satisfies Record<string, string>;
