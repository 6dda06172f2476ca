--[[
  Stores a template's content as its next version, unless the latest version has the same hash.
  KEYS[1] template hash (fields: latest, meta, v<N>, executions)
  ARGV[1] mode: 'create' (must not exist), 'update' (must exist) or 'upsert'
  ARGV[2] content hash (SHA-256 hex)
  ARGV[3] version record (JSON); an empty versionName becomes 'version<N>'
  ARGV[4] metadata for a new template (JSON)
  ARGV[5] who, ARGV[6] when (for UpdatedBy / UpdatedDate)
  ARGV[7] most versions a template may have
  ARGV[8] tags (JSON map) to set, or '' to keep
  ARGV[9] 'file' when the content comes from a template file: the template becomes read-only to the API
  returns {outcome, version}: outcome 'created' | 'unchanged' | 'exists' | 'missing' | 'full'
]]
local latest = tonumber(redis.call('HGET', KEYS[1], 'latest') or '0')
if ARGV[1] == 'create' and latest > 0 then return {'exists', latest} end
if ARGV[1] == 'update' and latest == 0 then return {'missing', 0} end
if latest == 0 then redis.call('HSET', KEYS[1], 'meta', ARGV[4]) end
local meta = cjson.decode(redis.call('HGET', KEYS[1], 'meta'))
if ARGV[8] ~= '' then meta['tags'] = cjson.decode(ARGV[8]) end
if ARGV[9] == 'file' then meta['source'] = 'file' end
if latest > 0 then
  local current = cjson.decode(redis.call('HGET', KEYS[1], 'v' .. latest))
  if current['hash'] == ARGV[2] then
    redis.call('HSET', KEYS[1], 'meta', cjson.encode(meta))
    return {'unchanged', latest}
  end
end
if latest >= tonumber(ARGV[7]) then return {'full', latest} end
latest = latest + 1
local record = cjson.decode(ARGV[3])
if record['versionName'] == '' then record['versionName'] = 'version' .. latest end
meta['updatedBy'] = ARGV[5]
meta['updatedDate'] = ARGV[6]
redis.call('HSET', KEYS[1], 'latest', latest, 'v' .. latest, cjson.encode(record), 'meta', cjson.encode(meta))
return {'created', latest}
