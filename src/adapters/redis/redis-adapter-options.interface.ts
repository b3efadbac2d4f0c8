import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';

/** Options of {@link RedisStreamingAdapter}. Every field is optional. */
export interface RedisStreamingAdapterOptions {
  /** Redis URL (`redis://[:password@]host:port[/db]`, `rediss://` for TLS). Default `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /**
   * An existing ioredis client used for commands: a `Redis`, or a `Cluster` for Redis Cluster (a
   * duplicate of it subscribes; for a `Cluster`, with `shardedSubscribers` on). The adapter never
   * closes a client it was given. Takes precedence over `url`, `options` and `cluster`.
   */
  readonly client?: Redis | Cluster;
  /**
   * Connect to a Redis Cluster: its seed nodes (`[{ host, port }]` or `'host:port'`; the rest are
   * discovered) and ioredis `Cluster` options merged over the adapter's defaults. Takes
   * precedence over `url` and `options`. Every key and channel carries a hash tag, so each
   * multi-key operation stays in one slot, and each room's channel lives on its room's shard.
   */
  readonly cluster?: RedisClusterConnectOptions;
  /** ioredis options for the connections the adapter opens (merged over the adapter's defaults). */
  readonly options?: RedisOptions;
  /** Prefix of every key and channel, so several apps can share one Redis. Default `forge-streaming:`. */
  readonly keyPrefix?: string;
  /** How often this instance refreshes its heartbeat and statistics snapshot (ms). Default 2000. */
  readonly heartbeatMs?: number;
  /**
   * How long an instance counts as alive after its last heartbeat (ms); its registry entries
   * are ignored and then swept after that. Must exceed `heartbeatMs`. Default 10000.
   */
  readonly registryTtlMs?: number;
  /** How long `init()` waits for Redis before failing (ms). Default 5000. */
  readonly connectTimeoutMs?: number;
  /**
   * Start even when Redis is unreachable: the app serves local connections, `health()` reports
   * `degraded`, and the adapter joins the cluster as soon as Redis answers. Default false
   * (start-up fails with `RedisUnavailableError`).
   */
  readonly degradedStart?: boolean;
  /**
   * How long this instance stays subscribed to a room's channel after its last local member left
   * (ms), so members that come and go do not cause a subscription storm. Default 2000.
   */
  readonly roomChannelLingerMs?: number;
  /**
   * Carry room channels on sharded pub/sub (`SPUBLISH` / `SSUBSCRIBE`, Redis >= 7) or classic
   * pub/sub. Default: sharded when the server is Redis 7 or newer. Every instance of a cluster
   * must agree.
   */
  readonly shardedPubSub?: boolean;
}

/** How the adapter connects to a Redis Cluster ({@link RedisStreamingAdapterOptions.cluster}). */
export interface RedisClusterConnectOptions {
  /** Seed nodes; at least one. */
  readonly nodes: readonly ClusterNode[];
  /** ioredis `Cluster` options (`redisOptions` applies to each node's connection). */
  readonly options?: ClusterOptions;
}

/** Options with their defaults applied. */
export interface ResolvedRedisAdapterOptions {
  readonly url: string;
  readonly client: Redis | Cluster | undefined;
  readonly options: RedisOptions;
  readonly cluster: RedisClusterConnectOptions | undefined;
  readonly keyPrefix: string;
  readonly heartbeatMs: number;
  readonly registryTtlMs: number;
  readonly connectTimeoutMs: number;
  readonly degradedStart: boolean;
  readonly roomChannelLingerMs: number;
  readonly shardedPubSub: boolean | undefined;
}
