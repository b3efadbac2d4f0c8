import type { StreamingAdapter } from 'nestjs-forge-streaming';
import type { SampleConfig } from './sample-config.js';

/**
 * The broadcast/registry backend: the Redis adapter when `REDIS_URL` is set (loaded on demand, so
 * `ioredis` is only needed then), otherwise `undefined` (the module's in-memory default).
 */
export async function createStreamingAdapter(
  config: SampleConfig,
): Promise<StreamingAdapter | undefined> {
  if (!config.redisUrl) return undefined;
  const { RedisStreamingAdapter } = await import('nestjs-forge-streaming/redis');
  return new RedisStreamingAdapter({ url: config.redisUrl });
}
