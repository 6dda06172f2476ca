--[[
  Ends an open ticket with a status, a close code and a reason: APPROVED when its last level is done
  (the caller that completed it), CANCEL for a timeout, a withdrawal, a level nobody can approve or
  the end of its execution. Whoever changes the status first wins: a timeout racing the last
  approval ends in one outcome.
  KEYS[1] ticket hash
  ARGV[1] new status, ARGV[2] reason (for people), ARGV[3] time, ARGV[4] '1' when the ticket must be
  advancing, ARGV[5] close code (approved, timed-out, withdrawn, cancelled, unresolvable): what code reads,
  ARGV[6] the reason's catalogue message (JSON; '' when the reason is no catalogue text)
  returns 1 closed by this call, 0 not
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'AUDITING' then return 0 end
if ARGV[4] == '1' and redis.call('HGET', KEYS[1], 'advancing') ~= '1' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'reason', ARGV[2], 'decidedAt', ARGV[3], 'approvers', '[]')
if ARGV[5] and ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'closeCode', ARGV[5]) end
if ARGV[6] and ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'reasonText', ARGV[6]) end
return 1
