--[[
  Makes a level the active one, once: only while the ticket is open and advancing from the level
  the caller left (so two callers cannot both activate the next level).
  KEYS[1] ticket hash, KEYS[2] level records (a JSON map index -> record)
  ARGV[1] the level being left (-1 at the start), ARGV[2] the new level, ARGV[3] approvals required,
  ARGV[4] the new level's record (JSON), ARGV[5] its resolved approvers (JSON list)
  returns 1 activated, 0 not (closed, or another caller moved it)
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'AUDITING' then return 0 end
if redis.call('HGET', KEYS[1], 'advancing') ~= '1' or redis.call('HGET', KEYS[1], 'level') ~= ARGV[1] then return 0 end
local levels = cjson.decode(redis.call('GET', KEYS[2]) or '{}')
levels[ARGV[2]] = cjson.decode(ARGV[4])
redis.call('SET', KEYS[2], cjson.encode(levels))
redis.call('HSET', KEYS[1], 'level', ARGV[2], 'advancing', 0, 'required', ARGV[3], 'approvals', 0, 'approvers', ARGV[5])
return 1
