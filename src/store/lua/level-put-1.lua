--[[
  Records one level (skipped by its criteria, done, escalated) in the ticket's level records.
  KEYS[1] level records (a JSON map index -> record)
  ARGV[1] index, ARGV[2] record (JSON)
  returns 1
]]
local levels = cjson.decode(redis.call('GET', KEYS[1]) or '{}')
levels[ARGV[1]] = cjson.decode(ARGV[2])
redis.call('SET', KEYS[1], cjson.encode(levels))
return 1
