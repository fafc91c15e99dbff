export { redis } from './providers/redis.js';
export type { RedisProviderOptions, RedisTarget } from './providers/redis.js';
