import { Inject, Injectable } from '@nestjs/common';
import type { ConnectionFilter } from '../interfaces/connection-filter.interface.js';
import { STREAMING_PROTOCOLS, type StreamingProtocol } from '../interfaces/connection.interface.js';
import type { BaseConnection, ConnectionHooks } from '../connection/base.connection.js';
import { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';
import { matchesAll } from './connection-filters.js';

/** What the registry reports (to the cluster host and presence); every method is optional. */
export interface RegistryListener {
  opened?(conn: BaseConnection): void;
  changed?(conn: BaseConnection): void;
  closed?(conn: BaseConnection): void;
  roomChanged?(conn: BaseConnection, room: string, type: 'join' | 'leave'): void;
}

const EMPTY: ReadonlySet<BaseConnection> = new Set();

function addTo<K>(index: Map<K, Set<BaseConnection>>, key: K, conn: BaseConnection): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(conn);
}

function removeFrom<K>(index: Map<K, Set<BaseConnection>>, key: K, conn: BaseConnection): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(conn);
  if (set.size === 0) index.delete(key);
}

function isIndexable(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * The local connection registry with set indexes by protocol, route, user, room and primitive
 * context value, so filters resolve by intersecting sets instead of scanning every connection.
 */
@Injectable()
export class ConnectionRegistry implements ConnectionHooks {
  private readonly byId = new Map<string, BaseConnection>();
  private readonly byProtocol = new Map<StreamingProtocol, Set<BaseConnection>>();
  private readonly byRoute = new Map<string, Set<BaseConnection>>();
  private readonly byUser = new Map<string, Set<BaseConnection>>();
  private readonly byRoom = new Map<string, Set<BaseConnection>>();
  private readonly byMeta = new Map<string, Map<string | number | boolean, Set<BaseConnection>>>();
  private readonly listeners: RegistryListener[] = [];

  constructor(@Inject(StreamingStatsCollector) private readonly stats: StreamingStatsCollector) {}

  /** Subscribes to registry changes. */
  listen(listener: RegistryListener): void {
    this.listeners.push(listener);
  }

  /** Number of open connections. */
  get size(): number {
    return this.byId.size;
  }

  /** Registers a newly accepted connection. */
  add(conn: BaseConnection): void {
    this.byId.set(conn.id, conn);
    addTo(this.byProtocol, conn.protocol, conn);
    addTo(this.byRoute, conn.route, conn);
    if (conn.userId !== undefined) addTo(this.byUser, conn.userId, conn);
    for (const [key, value] of Object.entries(conn.primitiveValues()))
      this.indexMeta(key, value, conn);
    for (const room of conn.rooms) addTo(this.byRoom, room, conn);
    conn.attach(this);
    this.stats.connectionsOpened += 1;
    for (const listener of this.listeners) listener.opened?.(conn);
  }

  get(id: string): BaseConnection | undefined {
    return this.byId.get(id);
  }

  /** Every open connection. */
  all(): IterableIterator<BaseConnection> {
    return this.byId.values();
  }

  /** Open connections of one protocol. */
  countByProtocol(): Record<StreamingProtocol, number> {
    const out = { websocket: 0, sse: 0, webtransport: 0 } as Record<StreamingProtocol, number>;
    for (const protocol of STREAMING_PROTOCOLS)
      out[protocol] = this.byProtocol.get(protocol)?.size ?? 0;
    return out;
  }

  /** Open connections per `protocol route`. */
  countByRoute(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const set of this.byRoute.values()) {
      for (const conn of set) {
        const key = `${conn.protocol} ${conn.route}`;
        out[key] = (out[key] ?? 0) + 1;
      }
    }
    return out;
  }

  /** Open connections on one route pattern of one protocol. */
  countOnRoute(protocol: StreamingProtocol, route: string): number {
    let count = 0;
    for (const conn of this.byRoute.get(route) ?? EMPTY) if (conn.protocol === protocol) count += 1;
    return count;
  }

  /** Open connections of one protocol. */
  countOf(protocol: StreamingProtocol): number {
    return this.byProtocol.get(protocol)?.size ?? 0;
  }

  /** Members of a room on this instance. */
  roomMembers(room: string): ReadonlySet<BaseConnection> {
    return this.byRoom.get(room) ?? EMPTY;
  }

  /** Connections matching every filter (AND), found from the smallest index set. */
  select(filters: readonly ConnectionFilter[]): BaseConnection[] {
    const candidates = this.candidates(filters);
    const out: BaseConnection[] = [];
    if (filters.length === 0) {
      for (const conn of candidates) out.push(conn);
      return out;
    }
    for (const conn of candidates) if (matchesAll(conn, filters)) out.push(conn);
    return out;
  }

  private candidates(filters: readonly ConnectionFilter[]): Iterable<BaseConnection> {
    let best: Iterable<BaseConnection> | undefined;
    let bestSize = Number.POSITIVE_INFINITY;
    for (const filter of filters) {
      const set = this.indexFor(filter);
      if (set && set.size < bestSize) {
        best = set;
        bestSize = set.size;
      }
    }
    return best ?? this.byId.values();
  }

  private indexFor(filter: ConnectionFilter): ReadonlySet<BaseConnection> | undefined {
    switch (filter.kind) {
      case 'room':
        return this.byRoom.get(filter.room) ?? EMPTY;
      case 'protocol':
        return this.byProtocol.get(filter.protocol) ?? EMPTY;
      case 'user':
        return this.byUser.get(filter.userId) ?? EMPTY;
      case 'route':
        return this.byRoute.get(filter.route) ?? EMPTY;
      case 'meta':
        return this.byMeta.get(filter.key)?.get(filter.value) ?? EMPTY;
      case 'connection': {
        const set = new Set<BaseConnection>();
        for (const id of filter.connectionIds) {
          const conn = this.byId.get(id);
          if (conn) set.add(conn);
        }
        return set;
      }
      case 'all': {
        let best: ReadonlySet<BaseConnection> | undefined;
        for (const inner of filter.filters) {
          const set = this.indexFor(inner);
          if (set && (!best || set.size < best.size)) best = set;
        }
        return best;
      }
      case 'any': {
        const union = new Set<BaseConnection>();
        for (const inner of filter.filters) {
          const set = this.indexFor(inner);
          if (!set) return undefined;
          for (const conn of set) union.add(conn);
        }
        return union;
      }
      default:
        return undefined;
    }
  }

  private indexMeta(key: string, value: unknown, conn: BaseConnection): void {
    if (!isIndexable(value)) return;
    let byValue = this.byMeta.get(key);
    if (!byValue) {
      byValue = new Map();
      this.byMeta.set(key, byValue);
    }
    addTo(byValue, value, conn);
  }

  private unindexMeta(key: string, value: unknown, conn: BaseConnection): void {
    if (!isIndexable(value)) return;
    const byValue = this.byMeta.get(key);
    if (!byValue) return;
    removeFrom(byValue, value, conn);
    if (byValue.size === 0) this.byMeta.delete(key);
  }

  joined(conn: BaseConnection, room: string): void {
    if (!this.byId.has(conn.id)) return;
    addTo(this.byRoom, room, conn);
    for (const listener of this.listeners) listener.roomChanged?.(conn, room, 'join');
  }

  left(conn: BaseConnection, room: string): void {
    if (!this.byId.has(conn.id)) return;
    removeFrom(this.byRoom, room, conn);
    for (const listener of this.listeners) listener.roomChanged?.(conn, room, 'leave');
  }

  metaChanged(conn: BaseConnection, key: string, previous: unknown, next: unknown): void {
    if (!this.byId.has(conn.id)) return;
    this.unindexMeta(key, previous, conn);
    this.indexMeta(key, next, conn);
    for (const listener of this.listeners) listener.changed?.(conn);
  }

  closed(conn: BaseConnection): void {
    if (!this.byId.delete(conn.id)) return;
    this.stats.connectionsClosed += 1;
    removeFrom(this.byProtocol, conn.protocol, conn);
    removeFrom(this.byRoute, conn.route, conn);
    if (conn.userId !== undefined) removeFrom(this.byUser, conn.userId, conn);
    for (const room of conn.rooms) {
      removeFrom(this.byRoom, room, conn);
      for (const listener of this.listeners) listener.roomChanged?.(conn, room, 'leave');
    }
    for (const [key, value] of Object.entries(conn.primitiveValues()))
      this.unindexMeta(key, value, conn);
    for (const listener of this.listeners) listener.closed?.(conn);
  }
}
