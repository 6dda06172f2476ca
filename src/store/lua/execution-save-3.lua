--[[
  Saves an execution if its status may change to the new one (the transition table, enforced
  atomically), and only by the job that holds it while it is Running.
  KEYS[1] execution hash (small fields: status, runner, thread, ticket:<task>)
  KEYS[2] execution document (a string: kept apart so the hash stays small and compact in Redis)
  KEYS[3] its task executions (a hash: ListTaskExecutions' records, by task execution id)
  ARGV[1] new status
  ARGV[2] statuses it may come from, comma-separated
  ARGV[3] saver: the id of the job saving it ('' when not a job: API cancels, signals)
  ARGV[4] document (JSON)
  ARGV[5] 1 to create (the key must not exist), else 0
  ARGV[6] the job that holds it after this save ('' releases it: a waiting or parked execution)
  ARGV[7] Pub/Sub channel told of the save ('' for none), ARGV[8] the execution id it is told
  ARGV[9] a job's claim: the SHA-1 of the document as the job read it ('' for none); any save made since
          refuses the claim, so a job never writes back a state older than the one stored
  ARGV[10..] task execution records to keep with this save, id and record in turn: a task that ended is
          recorded in the same step as the save that shows it ended, and not by a job whose save is refused
  returns {1, the status it had ('' when created)} saved, {0, its status} refused (another status or another
  runner): the caller updates the status indexes only when the status changed
]]
local status = redis.call('HGET', KEYS[1], 'status')
if ARGV[5] == '1' then
  if status then return {0, status} end
else
  if not status then return {0, ''} end
  local allowed = false
  for s in string.gmatch(ARGV[2], '[^,]+') do
    if s == status then allowed = true end
  end
  if not allowed then return {0, status} end
  local runner = redis.call('HGET', KEYS[1], 'runner') or ''
  if status == 'Running' and ARGV[3] ~= '' and runner ~= '' and runner ~= ARGV[3] then return {0, status} end
  if ARGV[9] and ARGV[9] ~= '' and redis.sha1hex(redis.call('GET', KEYS[2]) or '') ~= ARGV[9] then
    return {0, status}
  end
end
for i = 10, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
-- A run nobody holds has no runner field: most runs at rest are Waiting or ended, and a field costs bytes.
if ARGV[6] == '' then
  redis.call('HSET', KEYS[1], 'status', ARGV[1])
  redis.call('HDEL', KEYS[1], 'runner')
else
  redis.call('HSET', KEYS[1], 'status', ARGV[1], 'runner', ARGV[6])
end
redis.call('SET', KEYS[2], ARGV[4])
-- In the script, so that watching pages cost the save no round trip of its own.
if ARGV[7] ~= '' then redis.call('PUBLISH', ARGV[7], ARGV[8]) end
return {1, status or ''}
