import type {
  ConnectionDescriptor,
  PresenceEvent,
  PresenceMember,
} from '../../interfaces/streaming-adapter.interface.js';
import type { StreamingStats } from '../../interfaces/streaming-stats.interface.js';
import { encodeBusMessage } from './redis-bus.codec.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisBatch } from './redis-batch.js';
import type { RedisClient } from './redis-client.js';

/** What a room hash stores per member (the field is the connection id). */
export interface StoredMember {
  readonly userId?: string;
  readonly instanceId: string;
}

/** The statistics snapshot written with each heartbeat. */
export interface StatsSnapshot {
  readonly activeConnections: number;
  readonly byProtocol: StreamingStats['byProtocol'];
  readonly at: number;
}

/** The per-instance hash outlives the heartbeat by this factor, so a sweeper can still read it. */
const CONNECTIONS_TTL_FACTOR = 5;

/**
 * This instance's side of the cluster registry: its connection descriptors (one hash per
 * instance), the connection id → instance index, room membership hashes and presence
 * notifications, and the heartbeat key (TTL) carrying its statistics snapshot. Writes are
 * fire-and-forget batches ({@link RedisBatch}: one pipeline, or one per hash slot on Redis
 * Cluster, so no write spans slots); when Redis was unreachable, {@link reconcile} rewrites
 * everything from the local state.
 */
export class RedisClusterRegistry {
  /** Local connections as last written (the base of room diffs). */
  private readonly local = new Map<string, ConnectionDescriptor>();

  constructor(
    private readonly client: () => RedisClient | undefined,
    private readonly keys: RedisKeys,
    private readonly instanceId: string,
    private readonly ttlMs: number,
  ) {}

  /** Records a local connection that opened or changed (rooms, metadata). */
  update(descriptor: ConnectionDescriptor): void {
    const previous = this.local.get(descriptor.id);
    this.local.set(descriptor.id, descriptor);
    const redis = this.client();
    if (!redis) return;
    const batch = new RedisBatch(redis);
    const connections = this.keys.connections(this.instanceId);
    batch.add(connections, (p) => p.hset(connections, descriptor.id, JSON.stringify(descriptor)));
    if (!previous) this.writeIndex(batch, descriptor.id);
    const before = new Set(previous?.rooms ?? []);
    const after = new Set(descriptor.rooms);
    for (const room of after) if (!before.has(room)) this.writeJoin(batch, descriptor, room);
    for (const room of before) if (!after.has(room)) this.writeLeave(batch, descriptor, room);
    batch.exec().catch(() => undefined);
  }

  /** Records a local connection that closed. */
  remove(descriptor: ConnectionDescriptor): void {
    const previous = this.local.get(descriptor.id);
    this.local.delete(descriptor.id);
    const redis = this.client();
    if (!redis) return;
    const batch = new RedisBatch(redis);
    const connections = this.keys.connections(this.instanceId);
    batch.add(connections, (p) => p.hdel(connections, descriptor.id));
    this.removeIndex(batch, descriptor.id);
    const rooms = new Set([...(previous?.rooms ?? []), ...descriptor.rooms]);
    for (const room of rooms) this.writeLeave(batch, previous ?? descriptor, room);
    batch.exec().catch(() => undefined);
  }

  private writeIndex(batch: RedisBatch, connectionId: string): void {
    const index = this.keys.connectionIndex;
    batch.add(index, (p) => p.hset(index, connectionId, this.instanceId));
  }

  private removeIndex(batch: RedisBatch, connectionId: string): void {
    const index = this.keys.connectionIndex;
    batch.add(index, (p) => p.hdel(index, connectionId));
  }

  private writeMember(batch: RedisBatch, descriptor: ConnectionDescriptor, room: string): void {
    const key = this.keys.room(room);
    const member: StoredMember = { userId: descriptor.userId, instanceId: this.instanceId };
    batch.add(key, (p) => p.hset(key, descriptor.id, JSON.stringify(member)));
  }

  private writeJoin(batch: RedisBatch, descriptor: ConnectionDescriptor, room: string): void {
    this.writeMember(batch, descriptor, room);
    this.writePresence(batch, 'join', descriptor, room);
  }

  private writeLeave(batch: RedisBatch, descriptor: ConnectionDescriptor, room: string): void {
    const key = this.keys.room(room);
    batch.add(key, (p) => p.hdel(key, descriptor.id));
    this.writePresence(batch, 'leave', descriptor, room);
  }

  /** The notice follows the room hash write (same batch group), so a reader sees the change. */
  private writePresence(
    batch: RedisBatch,
    type: PresenceEvent['type'],
    descriptor: ConnectionDescriptor,
    room: string,
  ): void {
    const member: PresenceMember = {
      connectionId: descriptor.id,
      userId: descriptor.userId,
      instanceId: this.instanceId,
    };
    const event: PresenceEvent = { type, room, member };
    const message = encodeBusMessage({ kind: 'presence', origin: this.instanceId, event });
    batch.add(this.keys.room(room), (p) => p.publish(this.keys.presenceChannel, message));
  }

  /**
   * Makes Redis match the local state (after a reconnect, or when Redis lost its data): removes
   * what this instance wrote for connections that are gone, rewrites the rest.
   */
  async reconcile(current: readonly ConnectionDescriptor[]): Promise<void> {
    const redis = this.client();
    if (!redis) return;
    const connections = this.keys.connections(this.instanceId);
    const stored = await redis.hgetall(connections);
    const batch = new RedisBatch(redis);
    const now = new Map(current.map((descriptor) => [descriptor.id, descriptor]));
    for (const [id, json] of Object.entries(stored)) {
      let rooms: readonly string[] = [];
      try {
        rooms = (JSON.parse(json) as ConnectionDescriptor).rooms ?? [];
      } catch {
        // unreadable entry: it is rewritten or deleted below
      }
      const keep = now.get(id);
      if (!keep) this.removeIndex(batch, id);
      for (const room of rooms) {
        const key = this.keys.room(room);
        if (!keep || !keep.rooms.includes(room)) batch.add(key, (p) => p.hdel(key, id));
      }
    }
    batch.add(connections, (p) => p.del(connections));
    for (const descriptor of current) {
      const json = JSON.stringify(descriptor);
      batch.add(connections, (p) => p.hset(connections, descriptor.id, json));
      this.writeIndex(batch, descriptor.id);
      for (const room of descriptor.rooms) this.writeMember(batch, descriptor, room);
    }
    this.local.clear();
    for (const descriptor of current) this.local.set(descriptor.id, descriptor);
    await batch.exec();
  }

  /** Refreshes this instance's heartbeat (TTL) with its statistics snapshot. */
  async heartbeat(stats: StreamingStats): Promise<void> {
    const redis = this.client();
    if (!redis) return;
    const snapshot: StatsSnapshot = {
      activeConnections: stats.activeConnections,
      byProtocol: stats.byProtocol,
      at: Date.now(),
    };
    const heartbeat = this.keys.heartbeat(this.instanceId);
    const connections = this.keys.connections(this.instanceId);
    const instances = this.keys.instances;
    await new RedisBatch(redis)
      .add(heartbeat, (p) => p.set(heartbeat, JSON.stringify(snapshot), 'PX', this.ttlMs))
      .add(instances, (p) => p.zadd(instances, Date.now(), this.instanceId))
      .add(connections, (p) => p.pexpire(connections, this.ttlMs * CONNECTIONS_TTL_FACTOR))
      .exec();
  }

  /** Local members of a room (the answer while Redis is unreachable). */
  localMembers(room: string): PresenceMember[] {
    const members: PresenceMember[] = [];
    for (const descriptor of this.local.values()) {
      if (descriptor.rooms.includes(room)) {
        members.push({
          connectionId: descriptor.id,
          userId: descriptor.userId,
          instanceId: this.instanceId,
        });
      }
    }
    return members;
  }

  /** Removes everything this instance wrote (graceful leave). */
  async leave(): Promise<void> {
    const redis = this.client();
    if (!redis) return;
    const batch = new RedisBatch(redis);
    for (const descriptor of this.local.values()) {
      this.removeIndex(batch, descriptor.id);
      for (const room of descriptor.rooms) this.writeLeave(batch, descriptor, room);
    }
    const connections = this.keys.connections(this.instanceId);
    const heartbeat = this.keys.heartbeat(this.instanceId);
    const instances = this.keys.instances;
    batch.add(connections, (p) => p.del(connections));
    batch.add(heartbeat, (p) => p.del(heartbeat));
    batch.add(instances, (p) => p.zrem(instances, this.instanceId));
    this.local.clear();
    await batch.exec();
  }
}
