import type { Cluster, Redis } from 'ioredis';

/** A connection the adapter talks through: one Redis server, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** Whether `client` is an ioredis `Cluster` (commands are routed per hash slot). */
export function isClusterClient(client: RedisClient): client is Cluster {
  return (client as { isCluster?: unknown }).isCluster === true;
}

/**
 * The part of a key Redis Cluster hashes: the content of the first `{…}` when it is not empty,
 * else the whole key. Keys with the same hash tag live in the same slot.
 */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}
