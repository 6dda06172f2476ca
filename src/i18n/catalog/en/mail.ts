/** English messages of the 'mail' namespace: ICU MessageFormat, keyed by what they say. */
export default {
  // An approval mail.
  subject: 'Approval needed: {title}',
  asks: '{requester} asks for your approval.',
  someone: 'Someone',
  unknown: 'unknown',
  nobody: 'nobody',
  fact: '{name}: {value}',
  factTicket: 'Ticket',
  factRequestedBy: 'Requested by',
  factTally: 'Tally',
  factStillNeeded: 'Still needed',
  factExecution: 'Execution',
  approveLine: 'Approve: {link}',
  rejectLine: 'Reject:  {link}',
  linksNote: 'These links are for {name} only, work once, and expire {when}. They open a page where you confirm.',
  // Why a mail could not be sent (kept on the execution, shown on its page).
  sendFailed: 'could not send mail through {server}{why}{codes}',
  smtpWhy:
    '{code, select, EAUTH {: the server refused the username or password} ' +
    'ETLS {: TLS failed (certificate or upgrade)} ' +
    'EREQUIRETLS {: the server offers no STARTTLS, and a password is never sent unencrypted} ' +
    'ECONNECTION {: cannot connect} ETIMEDOUT {: timed out} EDNS {: host not found} ' +
    'EENVELOPE {: a sender or recipient was refused} EMESSAGE {: the message was refused} ' +
    'EPROTOCOL {: the server does not speak SMTP as expected} ESOCKET {: connection error} ' +
    "CERT {: the server's TLS certificate is not trusted} other {}}",
} as const satisfies Record<string, string>;
