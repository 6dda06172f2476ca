--[[
  Creates an approval ticket once per key (an execution's task, or a CreateApproval request):
  a second call returns the first ticket. No level is active yet (level -1, advancing).
  KEYS[1] the owner's hash (the execution's, or the ticket's own): field ticket:<key> -> id
  KEYS[2] the hash the ticket's fields go in (an execution's ticket: the execution's hash itself)
  KEYS[3] ticket votes (cleared)
  KEYS[4] ticket document (a string, apart from the hash so the hash stays compact)
  ARGV[1] key, ARGV[2] ticket id, ARGV[3] ticket document, ARGV[4] the prefix of the ticket's fields in
  KEYS[2] (store/ticket-place.ts)
  returns the ticket id (the existing one when already created)
]]
local field = 'ticket:' .. ARGV[1]
local existing = redis.call('HGET', KEYS[1], field)
if existing then return existing end
local P = ARGV[4]
redis.call('HSET', KEYS[1], field, ARGV[2])
redis.call('DEL', KEYS[3])
redis.call('SET', KEYS[4], ARGV[3])
redis.call('HSET', KEYS[2], P .. 'status', 'AUDITING', P .. 'level', -1, P .. 'advancing', 1, P .. 'required', 0,
  P .. 'approvers', '[]')
return ARGV[2]
