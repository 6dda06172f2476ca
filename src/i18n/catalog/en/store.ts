/** English messages of the 'store' namespace (src/store and src/archive): ICU MessageFormat, keyed by what they say. */
export default {
  ticketDescription: 'Execution {id} of {template} waits for approval at {task}.',
  ticketReason: '{template} asks for approval at {task}',
  executionExists: 'execution {id} already exists',
  loopMissing: 'loop {task} of {id} does not exist',
  loopContention: 'loop {task} of {id}: too much contention',
  purgeNotEnded: 'execution {id} is {status}: only ended runs leave Redis',
  docUnreadable: 'a stored document does not inflate: {reason}',
  noScript: 'no Lua script {name}',
  noRedis:
    'no Redis answers on 127.0.0.1:6379 and redis-server is not on PATH: install it (apt install redis-server,' +
    ' brew install redis) or set REDIS_URL',
  redisDidNotStart: 'redis-server did not start on port {port}',
  archiveSchema: 'archive schema {schema}: letters, digits and _, at most 63',
  archiveCursor: 'cursor: is not one the audit gave',
  archiveNotADate: 'archive: {what} is not a date: {value}',
  archiveVoteOf: 'ticket {ticket} vote of {voter}',
  archiveClosed: 'the archive is closed',
} as const satisfies Record<string, string>;
