import type { RedisClient } from './redis-client.js';
import type { RedisPubSubMode } from './redis-room-channels.js';

/** The major version in an `INFO server` reply (0 when absent). */
export function redisMajorVersion(info: string): number {
  const match = /^redis_version:(\d+)/m.exec(info);
  return match ? Number(match[1]) : 0;
}

/**
 * Sharded pub/sub (`SPUBLISH` / `SSUBSCRIBE`) when the server is Redis 7 or newer, classic
 * pub/sub below; `forced` (the `shardedPubSub` option) wins when given.
 */
export async function detectPubSubMode(
  client: RedisClient,
  forced: boolean | undefined,
): Promise<RedisPubSubMode> {
  if (forced !== undefined) return forced ? 'sharded' : 'classic';
  const info = await client.info('server');
  return redisMajorVersion(info) >= 7 ? 'sharded' : 'classic';
}
