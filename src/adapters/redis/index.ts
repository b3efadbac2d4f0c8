/**
 * `nestjs-forge-streaming/redis`: scale-out through Redis. Needs the optional peer dependency
 * `ioredis` (`npm install ioredis`).
 */
export { RedisStreamingAdapter } from './redis-streaming.adapter.js';
export type { RedisStreamingAdapterOptions } from './redis-adapter-options.interface.js';
export { RedisHistoryStore } from './redis-history.store.js';
export { RedisUnavailableError } from './redis-unavailable.error.js';
export {
  RedisStreamingHealthIndicator,
  type StreamingHealthIndicatorResult,
} from './redis-streaming-health.indicator.js';
