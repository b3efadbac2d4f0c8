import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { StreamingStats } from '../../interfaces/streaming-stats.interface.js';

/** What a room member entry stores (the key names the room and the connection). */
export interface StoredMember {
  readonly connectionId: string;
  readonly userId: string | undefined;
  readonly instanceId: string;
}

/** The statistics snapshot written with each heartbeat. */
export interface StatsSnapshot {
  readonly instanceId: string;
  readonly activeConnections: number;
  readonly byProtocol: StreamingStats['byProtocol'];
  readonly at: number;
}

/** Parses a JSON value; undefined when unreadable. */
export function parseJson<T>(raw: string | undefined): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

/** The KV buckets of the registry. */
export interface RegistryBuckets {
  /** Heartbeats (TTL = registry TTL). */
  readonly live: KV;
  /** Connections, the id → instance index, room members, the roster (longer TTL, refreshed). */
  readonly registry: KV;
  /** Bucket names, for listing keys. */
  readonly liveName: string;
  readonly registryName: string;
  /** Lists keys through stream info (no consumer that could outlive the connection). */
  readonly jsm: JetStreamManager;
}
