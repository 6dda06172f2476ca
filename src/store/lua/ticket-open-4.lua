--[[
  Opens the approval ticket of one (execution, task), once: a second call returns the first ticket.
  KEYS[1] tickets of the execution (hash task name -> ticket id)
  KEYS[2] ticket hash
  KEYS[3] ticket approvers (set of directory user names who may vote)
  KEYS[4] ticket votes (hash voter -> vote JSON); cleared on creation
  ARGV[1] task name
  ARGV[2] ticket id
  ARGV[3] ticket document (JSON)
  ARGV[4] approvals required (number)
  ARGV[5..] approver names
  returns the ticket id (the existing one when already opened)
]]
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return existing end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('HSET', KEYS[2], 'status', 'AUDITING', 'required', ARGV[4], 'approvals', 0, 'doc', ARGV[3])
for i = 5, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
return ARGV[2]
