import type { NodeConnectionOptions } from '@nats-io/transport-node';

/** Options of {@link NatsStreamingAdapter}. Every field is optional. */
export interface NatsStreamingAdapterOptions {
  /** NATS server URL(s) (`nats://host:port`). Default `nats://127.0.0.1:4222`. */
  readonly servers?: string | readonly string[];
  /**
   * Options of the connection the adapter opens (`@nats-io/transport-node`: credentials, TLS,
   * reconnect settings), merged over the adapter's defaults. `servers` above takes precedence.
   */
  readonly connectionOptions?: Omit<NodeConnectionOptions, 'servers'>;
  /**
   * Prefix of every subject, and (upper-cased, dots as underscores) of every stream and bucket,
   * so several apps can share one NATS account. Letters, digits, `-` and `_`. Default `forge`.
   */
  readonly prefix?: string;
  /** How often this instance refreshes its heartbeat and statistics snapshot (ms). Default 2000. */
  readonly heartbeatMs?: number;
  /**
   * How long an instance counts as alive after its last heartbeat (ms): the TTL of the heartbeat
   * bucket. Its registry entries are then ignored and swept. Must exceed `heartbeatMs`. Default 10000.
   */
  readonly registryTtlMs?: number;
  /** How long `init()` waits for NATS before failing (ms). Default 5000. */
  readonly connectTimeoutMs?: number;
  /**
   * How long this instance stays subscribed to a room's subject after its last local member left
   * (ms), so members that come and go do not cause a subscription storm. Default 2000.
   */
  readonly roomSubjectLingerMs?: number;
  /** How long a command for a connection on another instance waits for its answer (ms). Default 2000. */
  readonly commandTimeoutMs?: number;
}

/** Options with their defaults applied. */
export interface ResolvedNatsAdapterOptions {
  readonly servers: string[];
  readonly connectionOptions: Omit<NodeConnectionOptions, 'servers'>;
  readonly prefix: string;
  readonly heartbeatMs: number;
  readonly registryTtlMs: number;
  readonly connectTimeoutMs: number;
  readonly roomSubjectLingerMs: number;
  readonly commandTimeoutMs: number;
}
