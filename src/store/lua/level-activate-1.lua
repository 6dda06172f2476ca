--[[
  Makes a level the active one, once: only while the ticket is open and advancing from the level
  the caller left (so two callers cannot both activate the next level).
  KEYS[1] the hash the ticket's fields are in (its level records among them: store/level-fields.ts)
  ARGV[1] the prefix of the ticket's fields in KEYS[1] (store/ticket-place.ts),
  ARGV[2] the level being left (-1 at the start), ARGV[3] the new level, ARGV[4] approvals required,
  ARGV[5] its resolved approvers (JSON list), ARGV[6..] the new level's record: field and value in turn
  returns 1 activated, 0 not (closed, or another caller moved it)
]]
local P = ARGV[1]
if redis.call('HGET', KEYS[1], P .. 'status') ~= 'AUDITING' then return 0 end
if redis.call('HGET', KEYS[1], P .. 'advancing') ~= '1' or redis.call('HGET', KEYS[1], P .. 'level') ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], P .. 'level', ARGV[3], P .. 'required', ARGV[4], P .. 'approvers', ARGV[5])
-- Not advancing, no approvals yet: said by their fields' absence (bytes of every waiting ticket).
redis.call('HDEL', KEYS[1], P .. 'advancing', P .. 'approvals')
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], P .. ARGV[i], ARGV[i + 1]) end
return 1
