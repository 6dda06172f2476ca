--[[
  Compare-and-set of a versioned JSON value: the caller read version N, computed the next value,
  and writes it only if nobody wrote since.
  KEYS[1] hash (fields: v, value)
  ARGV[1] the version the caller read ('0' when the key was absent)
  ARGV[2] the new value
  returns 1 written, 0 someone else wrote first
]]
local v = redis.call('HGET', KEYS[1], 'v') or '0'
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', tonumber(v) + 1, 'value', ARGV[2])
return 1
