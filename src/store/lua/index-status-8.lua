--[[
  Puts an execution in its status index and out of the other five; in `ended` (by its end) when it
  has an end date; in `endless` when its status is terminal and it has none (an older opsgate's runs,
  listed by end among the runs not ended, as before). A run that has not ended is in neither: the
  status indexes that are not terminal say it. One call, whatever the indexes held before, so the same
  call moves it and repairs it.
  KEYS[1..6] the status indexes, in the order of engine/status.ts (Queued .. Cancelled)
  KEYS[7] ended, KEYS[8] endless
  ARGV[1] execution id, ARGV[2] its status's place in KEYS (1-6), ARGV[3] createDate (ms), ARGV[4] endDate (ms) or '',
  ARGV[5] '1' when its status is terminal
  returns 1
]]
local mine = tonumber(ARGV[2])
for i = 1, 6 do
  if i == mine then redis.call('ZADD', KEYS[i], ARGV[3], ARGV[1]) else redis.call('ZREM', KEYS[i], ARGV[1]) end
end
if ARGV[4] ~= '' then
  redis.call('ZADD', KEYS[7], ARGV[4], ARGV[1])
else
  redis.call('ZREM', KEYS[7], ARGV[1])
end
if ARGV[4] == '' and ARGV[5] == '1' then
  redis.call('ZADD', KEYS[8], ARGV[3], ARGV[1])
else
  redis.call('ZREM', KEYS[8], ARGV[1])
end
return 1
