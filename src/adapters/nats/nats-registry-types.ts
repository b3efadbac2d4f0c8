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
