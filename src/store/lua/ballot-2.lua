--[[
  The vote: one entry point for every channel. Checks the voter is an approver of the active level,
  records the vote once per ticket (a person counts once, whatever levels they are on), and says
  what it did. Only the call that completes the level gets 'level-done' (the level closes to votes
  at once); a rejection decides the whole ticket (close code 'rejected').
  KEYS[1] ticket hash (approvers: JSON list of who may vote now), KEYS[2] votes (hash voter -> JSON)
  ARGV[1] voter, ARGV[2] 'AGREE' or 'REJECT', ARGV[3] comment, ARGV[4] time (ISO-8601)
  ARGV[5] Pub/Sub channel told of a counted vote ('' for none), ARGV[6] what it is told (the execution id)
  ARGV[7] where the vote came from (slack, dingtalk, mail, console, api, cli; '' unknown), for the audit
  returns {outcome, ticket status, approvals on the active level, active level, approvals it needs}
    outcome: 'missing' | 'closed' | 'not-approver' | 'duplicate' | 'recorded' | 'level-done' | 'decided'
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing', '', 0, -1, 0} end
local level = tonumber(redis.call('HGET', KEYS[1], 'level'))
local approvals = tonumber(redis.call('HGET', KEYS[1], 'approvals'))
local required = tonumber(redis.call('HGET', KEYS[1], 'required'))
if status ~= 'AUDITING' then return {'closed', status, approvals, level, required} end
local may = false
for _, name in ipairs(cjson.decode(redis.call('HGET', KEYS[1], 'approvers'))) do
  if name == ARGV[1] then may = true end
end
if not may then return {'not-approver', status, approvals, level, required} end
local record = {decision = ARGV[2], date = ARGV[4], level = level}
if ARGV[3] ~= '' then record.comment = ARGV[3] end
if ARGV[7] and ARGV[7] ~= '' then record.channel = ARGV[7] end
local vote = cjson.encode(record)
if redis.call('HSETNX', KEYS[2], ARGV[1], vote) == 0 then return {'duplicate', status, approvals, level, required} end
-- Counted: whatever follows changes the ticket. Told from here, so watching pages cost no round trip.
if ARGV[5] and ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
if ARGV[2] == 'REJECT' then
  redis.call('HSET', KEYS[1], 'status', 'REJECT', 'closeCode', 'rejected', 'decidedAt', ARGV[4], 'approvers', '[]')
  return {'decided', 'REJECT', approvals, level, required}
end
approvals = redis.call('HINCRBY', KEYS[1], 'approvals', 1)
if approvals >= required then
  redis.call('HSET', KEYS[1], 'advancing', 1, 'approvers', '[]')
  return {'level-done', status, approvals, level, required}
end
return {'recorded', status, approvals, level, required}
