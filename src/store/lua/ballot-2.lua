--[[
  The vote: one entry point for every channel. Checks the voter is an approver of the active level,
  records the vote once per ticket (a person counts once, whatever levels they are on), and says
  what it did. Only the call that completes the level gets 'level-done' (the level closes to votes
  at once); a rejection decides the whole ticket (close code 'rejected').
  KEYS[1] the hash the ticket's fields are in (approvers: JSON list of who may vote now), KEYS[2] votes
  (hash voter -> JSON)
  ARGV[1] the prefix of the ticket's fields in KEYS[1] (store/ticket-place.ts), ARGV[2] voter,
  ARGV[3] 'AGREE' or 'REJECT', ARGV[4] comment, ARGV[5] time (ISO-8601),
  ARGV[6] Pub/Sub channel told of a counted vote ('' for none), ARGV[7] what it is told (the execution id)
  ARGV[8] where the vote came from (slack, dingtalk, mail, console, api, cli; '' unknown), for the audit
  returns {outcome, ticket status, approvals on the active level, active level, approvals it needs}
    outcome: 'missing' | 'closed' | 'not-approver' | 'duplicate' | 'recorded' | 'level-done' | 'decided'
]]
local P = ARGV[1]
local status = redis.call('HGET', KEYS[1], P .. 'status')
if not status then return {'missing', '', 0, -1, 0} end
local level = tonumber(redis.call('HGET', KEYS[1], P .. 'level'))
-- No approvals field is none (level-activate drops it): a field less in a hash of many tickets.
local approvals = tonumber(redis.call('HGET', KEYS[1], P .. 'approvals') or '0')
local required = tonumber(redis.call('HGET', KEYS[1], P .. 'required'))
if status ~= 'AUDITING' then return {'closed', status, approvals, level, required} end
local may = false
for _, name in ipairs(cjson.decode(redis.call('HGET', KEYS[1], P .. 'approvers'))) do
  if name == ARGV[2] then may = true end
end
if not may then return {'not-approver', status, approvals, level, required} end
local record = {decision = ARGV[3], date = ARGV[5], level = level}
if ARGV[4] ~= '' then record.comment = ARGV[4] end
if ARGV[8] and ARGV[8] ~= '' then record.channel = ARGV[8] end
local vote = cjson.encode(record)
if redis.call('HSETNX', KEYS[2], ARGV[2], vote) == 0 then return {'duplicate', status, approvals, level, required} end
-- Counted: whatever follows changes the ticket. Told from here, so watching pages cost no round trip.
if ARGV[6] and ARGV[6] ~= '' then redis.call('PUBLISH', ARGV[6], ARGV[7]) end
if ARGV[3] == 'REJECT' then
  redis.call('HSET', KEYS[1], P .. 'status', 'REJECT', P .. 'closeCode', 'rejected', P .. 'decidedAt', ARGV[5],
    P .. 'approvers', '[]')
  return {'decided', 'REJECT', approvals, level, required}
end
approvals = redis.call('HINCRBY', KEYS[1], P .. 'approvals', 1)
if approvals >= required then
  redis.call('HSET', KEYS[1], P .. 'advancing', 1, P .. 'approvers', '[]')
  return {'level-done', status, approvals, level, required}
end
return {'recorded', status, approvals, level, required}
