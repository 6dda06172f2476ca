--[[
  Makes a level the active one, once: only while the ticket is open and advancing from the level
  the caller left (so two callers cannot both activate the next level).
  KEYS[1] ticket hash (its level records are fields of it: store/level-fields.ts)
  ARGV[1] the level being left (-1 at the start), ARGV[2] the new level, ARGV[3] approvals required,
  ARGV[4] its resolved approvers (JSON list), ARGV[5..] the new level's record: field and value in turn
  returns 1 activated, 0 not (closed, or another caller moved it)
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'AUDITING' then return 0 end
if redis.call('HGET', KEYS[1], 'advancing') ~= '1' or redis.call('HGET', KEYS[1], 'level') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'level', ARGV[2], 'advancing', 0, 'required', ARGV[3], 'approvals', 0, 'approvers', ARGV[4])
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
