/** English messages of the 'common' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  templateNotFound: 'template {name}{version, select, none {} other { {version}}} does not exist',
  executionNotFound: 'execution {id} does not exist',
  ticketNotFound: 'approval ticket {id} does not exist',
  status:
    '{status, select, Queued {Queued} Running {Running} Waiting {Waiting} Success {Success} Failed {Failed} ' +
    'Cancelled {Cancelled} Skipped {Skipped} other {{status}}}',
  /** Where an approval notice went: the name of its channel. */
  deliveryChannel:
    '{channel, select, DingTalk {DingTalk} Mail {Mail} WebHook {WebHook} notification {notification} ' +
    'other {{channel}}}',
} as const satisfies Record<string, string>;
