/** English messages of the 'common' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  templateNotFound: 'template {name}{version, select, none {} other { {version}}} does not exist',
  executionNotFound: 'execution {id} does not exist',
  ticketNotFound: 'approval ticket {id} does not exist',
  status:
    '{status, select, Queued {Queued} Running {Running} Waiting {Waiting} Success {Success} Failed {Failed} ' +
    'Cancelled {Cancelled} Skipped {Skipped} other {{status}}}',
} as const satisfies Record<string, string>;
