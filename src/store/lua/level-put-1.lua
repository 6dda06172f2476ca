--[[
  Records one level (skipped by its criteria, done, escalated) among the ticket's fields: only while
  the ticket is there, so that a late write never leaves a purged ticket's fields behind.
  KEYS[1] the hash the ticket's fields are in (its level records among them: store/level-fields.ts)
  ARGV[1] the prefix of the ticket's fields in KEYS[1] (store/ticket-place.ts),
  ARGV[2] a field to remove ('' for none: the level's note, when the record has none),
  ARGV[3..] the record: field and value in turn
  returns 1 recorded, 0 the ticket is gone
]]
local P = ARGV[1]
if redis.call('HEXISTS', KEYS[1], P .. 'status') == 0 then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], P .. ARGV[i], ARGV[i + 1]) end
if ARGV[2] ~= '' then redis.call('HDEL', KEYS[1], P .. ARGV[2]) end
return 1
