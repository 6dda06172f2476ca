--[[
  Records one level (skipped by its criteria, done, escalated) in the ticket's hash: only while the
  ticket is there, so that a late write never leaves a purged ticket's fields behind.
  KEYS[1] ticket hash (its level records are fields of it: store/level-fields.ts)
  ARGV[1] a field to remove ('' for none: the level's note, when the record has none),
  ARGV[2..] the record: field and value in turn
  returns 1 recorded, 0 the ticket is gone
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[1] ~= '' then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1
