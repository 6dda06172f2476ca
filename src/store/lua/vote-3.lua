--[[
  The vote: one entry point for every channel. Checks the voter may vote, records the vote once and
  returns the decision. Only the call that crosses the threshold (or rejects) gets 'decided'.
  KEYS[1] ticket hash (fields: status, required, approvals)
  KEYS[2] ticket approvers (set)
  KEYS[3] ticket votes (hash voter -> vote JSON)
  ARGV[1] voter (directory user name)
  ARGV[2] 'AGREE' or 'REJECT'
  ARGV[3] vote JSON (decision, comment, time)
  ARGV[4] decision time (ISO-8601)
  returns {outcome, ticket status, approvals so far}
    outcome: 'missing' | 'closed' | 'not-approver' | 'duplicate' | 'recorded' | 'decided'
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing', '', 0} end
local approvals = tonumber(redis.call('HGET', KEYS[1], 'approvals'))
if status ~= 'AUDITING' then return {'closed', status, approvals} end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return {'not-approver', status, approvals} end
if redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[3]) == 0 then return {'duplicate', status, approvals} end
if ARGV[2] == 'REJECT' then
  redis.call('HSET', KEYS[1], 'status', 'REJECT', 'decidedAt', ARGV[4])
  return {'decided', 'REJECT', approvals}
end
approvals = redis.call('HINCRBY', KEYS[1], 'approvals', 1)
if approvals >= tonumber(redis.call('HGET', KEYS[1], 'required')) then
  redis.call('HSET', KEYS[1], 'status', 'APPROVED', 'decidedAt', ARGV[4])
  return {'decided', 'APPROVED', approvals}
end
return {'recorded', 'AUDITING', approvals}
