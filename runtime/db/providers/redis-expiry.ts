/**
 * Native expiry for the Cache layout on Redis. Redis expires whole keys, never a hash field or
 * a sorted-set member, so each `$cache` entry keeps its value (codec text `v`, blob bytes `b`)
 * in a hash key of its own, `…/v/$cache/<key bytes, base64url>`, with `PEXPIREAT` set from the
 * app's clock as a duration: `expires − now() + grace`, added to the server's time inside the
 * write script. So a skewed host or an injected clock never makes Redis drop an entry early
 * (only the remaining duration crosses over, not a timestamp), and Redis frees the memory
 * `grace` after the app considers the entry dead. The reader stays the authority on expiry.
 *
 * The entry's members in the order set, the `expires` index and the `…/x/` hash stay behind
 * when Redis drops the value key: a **ghost**. A sorted set `…/t/$cache` holds every value key
 * with a TTL, scored by its server expiry time; every ordered read and count first asks, in one
 * script (time stands still inside it), whether any key scored before now is gone. If none is,
 * the range read in the same script is exact; if some are, the transaction (which holds the
 * database lock) removes their members and asks again. No ghost is ever counted or paged over.
 */
import { CACHE_TABLE } from '../schema.js';

export { CACHE_TABLE };

/** The app's clock and how long after its expiry Redis may free an entry, in ms. */
export interface Expiry {
  now: () => number;
  grace: number;
}

/** Default grace: a minute, so clocks that drift apart (not merely offset) lose nothing. */
export const DEFAULT_GRACE = 60_000;

/**
 * KEYS: the `t` set, then the set to read. ARGV: mode (`count`, `next`, `prev`), min, max,
 * offset, count. Answers `{0, ghosts}` (value keys Redis dropped: remove them, then ask again)
 * or `{1, result}`.
 */
export const READ_LIVE = `
local now = redis.call('time')
local bound = string.format('(%.0f', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
local ghosts = {}
for _, key in ipairs(redis.call('zrangebyscore', KEYS[1], '-inf', bound)) do
  if redis.call('exists', key) == 0 then ghosts[#ghosts + 1] = key end
end
if #ghosts > 0 then return {0, ghosts} end
if ARGV[1] == 'count' then return {1, redis.call('zlexcount', KEYS[2], ARGV[2], ARGV[3])} end
if ARGV[1] == 'prev' then return {1, redis.call('zrevrangebylex', KEYS[2], ARGV[3], ARGV[2], 'LIMIT', ARGV[4], ARGV[5])} end
return {1, redis.call('zrangebylex', KEYS[2], ARGV[2], ARGV[3], 'LIMIT', ARGV[4], ARGV[5])}`;

/**
 * One `$cache` entry by key: KEYS the order set and the value key, ARGV the key bytes. Its value
 * key counts only while its member is in the order set: a runtime from before value keys deletes
 * or clears an entry by its member and hashes alone and leaves the value key, which must not
 * bring the entry back. Answers [v, b], or false.
 */
export const READ_ENTRY = `
if not redis.call('zscore', KEYS[1], ARGV[1]) then return false end
return redis.call('hmget', KEYS[2], 'v', 'b')`;

/**
 * The longest native expiry set, in ms (about 300 years): the write script adds it to the server's
 * time and hands the sum to PEXPIREAT, which takes only an integer that Lua still prints in
 * plain digits; a longer ttl (say 1e300) would fail the whole write.
 */
export const MAX_KEEP = 1e13;

/** How many ms from now (server time) Redis should keep an entry that expires at `expires` (app time). */
export function keepFor(expiry: Expiry, expires: number): number {
  return Math.min(MAX_KEEP, Math.max(1, Math.ceil(expires - expiry.now() + expiry.grace)));
}
