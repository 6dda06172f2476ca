--[[
  Ends an open ticket with a status, a close code and a reason: APPROVED when its last level is done
  (the caller that completed it), CANCEL for a timeout, a withdrawal, a level nobody can approve or
  the end of its execution. Whoever changes the status first wins: a timeout racing the last
  approval ends in one outcome.
  KEYS[1] the hash the ticket's fields are in
  ARGV[1] the prefix of the ticket's fields in KEYS[1] (store/ticket-place.ts),
  ARGV[2] new status, ARGV[3] reason (for people), ARGV[4] time, ARGV[5] '1' when the ticket must be
  advancing, ARGV[6] close code (approved, timed-out, withdrawn, cancelled, unresolvable): what code reads,
  ARGV[7] the reason's catalogue message (JSON; '' when the reason is no catalogue text)
  returns 1 closed by this call, 0 not
]]
local P = ARGV[1]
if redis.call('HGET', KEYS[1], P .. 'status') ~= 'AUDITING' then return 0 end
if ARGV[5] == '1' and redis.call('HGET', KEYS[1], P .. 'advancing') ~= '1' then return 0 end
redis.call('HSET', KEYS[1], P .. 'status', ARGV[2], P .. 'reason', ARGV[3], P .. 'decidedAt', ARGV[4],
  P .. 'approvers', '[]')
if ARGV[6] and ARGV[6] ~= '' then redis.call('HSET', KEYS[1], P .. 'closeCode', ARGV[6]) end
if ARGV[7] and ARGV[7] ~= '' then redis.call('HSET', KEYS[1], P .. 'reasonText', ARGV[7]) end
return 1
