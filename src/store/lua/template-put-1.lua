--[[
  Stores a template's content as its next version, unless the latest version has the same hash.
  KEYS[1] template hash (fields: latest, v<N>)
  ARGV[1] content hash (SHA-256 hex)
  ARGV[2] version record (JSON, without its version name)
  returns {version number, 1 if created else 0}
]]
local latest = tonumber(redis.call('HGET', KEYS[1], 'latest') or '0')
if latest > 0 then
  local current = cjson.decode(redis.call('HGET', KEYS[1], 'v' .. latest))
  if current['hash'] == ARGV[1] then return {latest, 0} end
end
latest = latest + 1
redis.call('HSET', KEYS[1], 'latest', latest, 'v' .. latest, ARGV[2])
return {latest, 1}
