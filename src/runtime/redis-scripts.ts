// Lua run inside Redis, so that read-then-write operations are one atomic step for every client on
// every machine (Redis runs a script to completion before any other command).

/** KEYS[1] key; ARGV[1] by, ARGV[2] ttl ms applied only when the increment creates the key (a fixed window). */
export const INCR_WITH_TTL = `
local existed = redis.call('EXISTS', KEYS[1])
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`;

/**
 * KEYS[1] key; ARGV[1] expected value, ARGV[2] '1' when the key must be absent, ARGV[3] next value,
 * ARGV[4] '1' to delete, ARGV[5] ttl ms or 0 (keep the current expiry). Returns 1 when swapped.
 */
export const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[2] == '1' then
  if current then return 0 end
elseif current ~= ARGV[1] then
  return 0
end
if ARGV[4] == '1' then
  if current then redis.call('DEL', KEYS[1]) end
  return 1
end
local ttl = tonumber(ARGV[5])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ttl)
elseif current then
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
else
  redis.call('SET', KEYS[1], ARGV[3])
end
return 1
`;
