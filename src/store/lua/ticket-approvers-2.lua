--[[
  Changes who may vote on the active level: TRANSFER hands one pending approver's place to another;
  escalation adds approvers. Only while the ticket is open and the level is still the active one.
  KEYS[1] the hash the ticket's fields are in, KEYS[2] votes (hash)
  ARGV[1] the prefix of the ticket's fields in KEYS[1] (store/ticket-place.ts),
  ARGV[2] the level the caller saw, ARGV[3] who leaves ('' when only adding), ARGV[4..] who joins
  returns 'ok' | 'closed' | 'moved' (another level is active) | 'not-pending' (the one leaving may not
  vote or already voted) | 'already' (someone joining already may vote or voted)
]]
local P = ARGV[1]
if redis.call('HGET', KEYS[1], P .. 'status') ~= 'AUDITING' then return 'closed' end
if redis.call('HGET', KEYS[1], P .. 'level') ~= ARGV[2] or redis.call('HGET', KEYS[1], P .. 'advancing') == '1' then
  return 'moved'
end
local list = cjson.decode(redis.call('HGET', KEYS[1], P .. 'approvers'))
local has = {}
for _, n in ipairs(list) do has[n] = true end
if ARGV[3] ~= '' and (not has[ARGV[3]] or redis.call('HEXISTS', KEYS[2], ARGV[3]) == 1) then return 'not-pending' end
local out = {}
for _, n in ipairs(list) do if n ~= ARGV[3] then table.insert(out, n) end end
for i = 4, #ARGV do
  if has[ARGV[i]] or redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then
    if ARGV[3] ~= '' then return 'already' end
  else
    table.insert(out, ARGV[i])
  end
end
-- cjson writes an empty table as {}, not []: keep it a list
redis.call('HSET', KEYS[1], P .. 'approvers', #out == 0 and '[]' or cjson.encode(out))
return 'ok'
