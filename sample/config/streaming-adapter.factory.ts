import type { StreamingAdapter } from 'nestjs-forge-streaming';
import type { SampleConfig } from './sample-config.js';

/**
 * The broadcast/registry backend: the Redis adapter when `REDIS_URL` is set, otherwise
 * `undefined` (the module's in-memory default).
 */
export async function createStreamingAdapter(
  config: SampleConfig,
): Promise<StreamingAdapter | undefined> {
  if (!config.redisUrl) return undefined;
  throw new Error('REDIS_URL is set but the Redis adapter is not available in this build');
}
