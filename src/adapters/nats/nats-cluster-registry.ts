import type { NatsConnection } from '@nats-io/transport-node';
import type {
  ConnectionDescriptor,
  PresenceEvent,
  PresenceMember,
} from '../../interfaces/streaming-adapter.interface.js';
import type { StreamingStats } from '../../interfaces/streaming-stats.interface.js';
import { encodeBusPayload } from './nats-bus.codec.js';
import type { NatsNames } from './nats-names.js';
import { listKeys } from './nats-bucket-keys.js';
import {
  parseJson,
  type RegistryBuckets,
  type StatsSnapshot,
  type StoredMember,
} from './nats-registry-types.js';

/**
 * This instance's side of the cluster registry in NATS KV: its connection descriptors, the
 * connection id → instance index, room member entries (with presence notices on a core subject),
 * its roster entry, and its heartbeat (statistics snapshot) in a bucket whose TTL is the
 * registry TTL. Entries in the registry bucket expire too (a longer TTL, refreshed by
 * {@link refresh}), so a cluster that crashed as a whole leaves nothing behind. Writes are
 * fire-and-forget; {@link reconcile} rewrites everything from the local state after an outage.
 */
export class NatsClusterRegistry {
  /** Local connections as last written (the base of room diffs). */
  private readonly local = new Map<string, ConnectionDescriptor>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly buckets: RegistryBuckets,
    private readonly names: NatsNames,
    private readonly instanceId: string,
    /** Whether the connection is up: while it is not, only the local state is kept. */
    private readonly online: () => boolean,
  ) {}

  /** Records a local connection that opened or changed (rooms, metadata). */
  update(descriptor: ConnectionDescriptor): void {
    const previous = this.local.get(descriptor.id);
    this.local.set(descriptor.id, descriptor);
    if (!this.online()) return; // rewritten by reconcile() once NATS is back
    const before = new Set(previous?.rooms ?? []);
    const after = new Set(descriptor.rooms);
    const writes: Array<Promise<unknown>> = [
      this.put(this.names.connectionKey(this.instanceId, descriptor.id), descriptor),
    ];
    if (!previous) writes.push(this.putRaw(this.names.indexKey(descriptor.id), this.instanceId));
    const joins = [...after].filter((room) => !before.has(room));
    const leaves = [...before].filter((room) => !after.has(room));
    for (const room of joins)
      writes.push(this.put(this.names.memberKey(room, descriptor.id), this.member(descriptor)));
    for (const room of leaves) writes.push(this.del(this.names.memberKey(room, descriptor.id)));
    this.settle(writes, descriptor, joins, leaves);
  }

  /** Records a local connection that closed. */
  remove(descriptor: ConnectionDescriptor): void {
    const previous = this.local.get(descriptor.id);
    this.local.delete(descriptor.id);
    if (!this.online()) return; // removed by reconcile() once NATS is back
    const rooms = [...new Set([...(previous?.rooms ?? []), ...descriptor.rooms])];
    const writes: Array<Promise<unknown>> = [
      this.del(this.names.connectionKey(this.instanceId, descriptor.id)),
      this.del(this.names.indexKey(descriptor.id)),
    ];
    for (const room of rooms) writes.push(this.del(this.names.memberKey(room, descriptor.id)));
    this.settle(writes, previous ?? descriptor, [], rooms);
  }

  /** Publishes the presence notices once the entries are written (or failed to be). */
  private settle(
    writes: Array<Promise<unknown>>,
    descriptor: ConnectionDescriptor,
    joins: readonly string[],
    leaves: readonly string[],
  ): void {
    if (joins.length === 0 && leaves.length === 0) return;
    void Promise.allSettled(writes).then(() => {
      for (const room of joins) this.publishPresence('join', descriptor, room);
      for (const room of leaves) this.publishPresence('leave', descriptor, room);
    });
  }

  private publishPresence(
    type: PresenceEvent['type'],
    descriptor: ConnectionDescriptor,
    room: string,
  ): void {
    if (this.nc.isClosed() || !this.online()) return;
    const member: PresenceMember = {
      connectionId: descriptor.id,
      userId: descriptor.userId,
      instanceId: this.instanceId,
    };
    const event: PresenceEvent = { type, room, member };
    try {
      this.nc.publish(this.names.presence, encodeBusPayload(this.instanceId, event));
    } catch {
      // the connection is closing: presence is read from the registry anyway
    }
  }

  private member(descriptor: ConnectionDescriptor): StoredMember {
    return { connectionId: descriptor.id, userId: descriptor.userId, instanceId: this.instanceId };
  }

  private put(key: string, value: unknown): Promise<unknown> {
    return this.putRaw(key, JSON.stringify(value));
  }

  private putRaw(key: string, value: string): Promise<unknown> {
    return this.buckets.registry.put(key, value).catch(() => undefined);
  }

  private del(key: string): Promise<unknown> {
    return this.buckets.registry.delete(key).catch(() => undefined);
  }

  /** Writes every local entry again (keeps them from expiring; after an outage). */
  async refresh(): Promise<void> {
    const writes: Array<Promise<unknown>> = [
      this.buckets.registry.put(this.names.rosterKey(this.instanceId), this.instanceId),
    ];
    for (const descriptor of this.local.values()) {
      writes.push(
        this.buckets.registry.put(
          this.names.connectionKey(this.instanceId, descriptor.id),
          JSON.stringify(descriptor),
        ),
        this.buckets.registry.put(this.names.indexKey(descriptor.id), this.instanceId),
      );
      for (const room of descriptor.rooms) {
        writes.push(
          this.buckets.registry.put(
            this.names.memberKey(room, descriptor.id),
            JSON.stringify(this.member(descriptor)),
          ),
        );
      }
    }
    await Promise.all(writes);
  }

  /**
   * Makes the registry match the local state (after a reconnection, or when the server lost its
   * data): removes what this instance wrote for connections that are gone, rewrites the rest.
   */
  async reconcile(current: readonly ConnectionDescriptor[]): Promise<void> {
    const now = new Map(current.map((descriptor) => [descriptor.id, descriptor]));
    const stale: Array<Promise<unknown>> = [];
    const own = this.names.connectionsOf(this.instanceId);
    for (const key of await listKeys(this.buckets, 'registry', own)) {
      const entry = await this.buckets.registry.get(key);
      const stored = parseJson<ConnectionDescriptor>(
        entry?.operation === 'PUT' ? entry.string() : undefined,
      );
      if (!stored) {
        stale.push(this.buckets.registry.delete(key));
        continue;
      }
      const keep = now.get(stored.id);
      if (!keep) {
        stale.push(
          this.buckets.registry.delete(key),
          this.buckets.registry.delete(this.names.indexKey(stored.id)),
        );
      }
      for (const room of stored.rooms ?? []) {
        if (!keep || !keep.rooms.includes(room)) {
          stale.push(this.buckets.registry.delete(this.names.memberKey(room, stored.id)));
        }
      }
    }
    await Promise.all(stale);
    this.local.clear();
    for (const descriptor of current) this.local.set(descriptor.id, descriptor);
    await this.refresh();
  }

  /** Refreshes this instance's heartbeat (the live bucket's TTL) with its statistics snapshot. */
  async heartbeat(stats: StreamingStats): Promise<void> {
    const snapshot: StatsSnapshot = {
      instanceId: this.instanceId,
      activeConnections: stats.activeConnections,
      byProtocol: stats.byProtocol,
      at: Date.now(),
    };
    await this.buckets.live.put(this.names.liveKey(this.instanceId), JSON.stringify(snapshot));
  }

  /** Local members of a room (the answer while NATS is unreachable). */
  localMembers(room: string): PresenceMember[] {
    const members: PresenceMember[] = [];
    for (const descriptor of this.local.values()) {
      if (descriptor.rooms.includes(room)) members.push(this.member(descriptor));
    }
    return members;
  }

  /** Removes everything this instance wrote and announces its members' leaves (graceful leave). */
  async leave(): Promise<void> {
    const registry = this.buckets.registry;
    const writes: Array<Promise<unknown>> = [
      this.buckets.live.delete(this.names.liveKey(this.instanceId)),
    ];
    const leaves: Array<[ConnectionDescriptor, string]> = [];
    for (const descriptor of this.local.values()) {
      writes.push(
        registry.delete(this.names.connectionKey(this.instanceId, descriptor.id)),
        registry.delete(this.names.indexKey(descriptor.id)),
      );
      for (const room of descriptor.rooms) {
        writes.push(registry.delete(this.names.memberKey(room, descriptor.id)));
        leaves.push([descriptor, room]);
      }
    }
    writes.push(registry.delete(this.names.rosterKey(this.instanceId)));
    this.local.clear();
    await Promise.all(writes);
    for (const [descriptor, room] of leaves) this.publishPresence('leave', descriptor, room);
    await this.nc.flush();
  }
}
