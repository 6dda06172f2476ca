--[[
  Creates an approval ticket once per key (an execution's task, or a CreateApproval request):
  a second call returns the first ticket. No level is active yet (level -1, advancing).
  KEYS[1] the owner's hash (the execution's, or the ticket's own): field ticket:<key> -> id
  KEYS[2] ticket hash (small fields: status, level, advancing, required, approvals, approvers)
  KEYS[3] ticket votes (cleared)
  KEYS[4] ticket document (a string, apart from the hash so the hash stays compact)
  ARGV[1] key, ARGV[2] ticket id, ARGV[3] ticket document (JSON)
  returns the ticket id (the existing one when already created)
]]
local field = 'ticket:' .. ARGV[1]
local existing = redis.call('HGET', KEYS[1], field)
if existing then return existing end
redis.call('HSET', KEYS[1], field, ARGV[2])
redis.call('DEL', KEYS[3])
redis.call('SET', KEYS[4], ARGV[3])
redis.call('HSET', KEYS[2], 'status', 'AUDITING', 'level', -1, 'advancing', 1, 'required', 0, 'approvals', 0, 'approvers', '[]')
return ARGV[2]
