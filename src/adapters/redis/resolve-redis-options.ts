import { InvalidConfigError } from '../../errors/invalid-config.error.js';
import type {
  RedisStreamingAdapterOptions,
  ResolvedRedisAdapterOptions,
} from './redis-adapter-options.interface.js';

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidConfigError(`redis.${field}`, `must be a positive integer (got ${value})`);
  }
  return value;
}

/** Applies defaults to the adapter options and validates them up front. */
export function resolveRedisOptions(
  options: RedisStreamingAdapterOptions,
): ResolvedRedisAdapterOptions {
  const heartbeatMs = positiveInteger('heartbeatMs', options.heartbeatMs ?? 2000);
  const registryTtlMs = positiveInteger('registryTtlMs', options.registryTtlMs ?? 10_000);
  if (registryTtlMs <= heartbeatMs) {
    throw new InvalidConfigError(
      'redis.registryTtlMs',
      `must exceed heartbeatMs (${registryTtlMs} <= ${heartbeatMs})`,
    );
  }
  const keyPrefix = options.keyPrefix ?? 'forge-streaming:';
  if (typeof keyPrefix !== 'string') {
    throw new InvalidConfigError('redis.keyPrefix', 'must be a string');
  }
  const cluster = options.cluster;
  if (cluster !== undefined && (!Array.isArray(cluster.nodes) || cluster.nodes.length === 0)) {
    throw new InvalidConfigError('redis.cluster.nodes', 'must list at least one seed node');
  }
  return {
    cluster,
    url: options.url ?? 'redis://127.0.0.1:6379',
    client: options.client,
    options: options.options ?? {},
    keyPrefix,
    heartbeatMs,
    registryTtlMs,
    connectTimeoutMs: positiveInteger('connectTimeoutMs', options.connectTimeoutMs ?? 5000),
    degradedStart: options.degradedStart ?? false,
    roomChannelLingerMs: positiveInteger(
      'roomChannelLingerMs',
      options.roomChannelLingerMs ?? 2000,
    ),
    shardedPubSub: options.shardedPubSub,
  };
}
