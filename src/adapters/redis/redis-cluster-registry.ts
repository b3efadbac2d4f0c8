import type { ChainableCommander, Redis } from 'ioredis';
import type {
  ConnectionDescriptor,
  PresenceEvent,
  PresenceMember,
} from '../../interfaces/streaming-adapter.interface.js';
import type { StreamingStats } from '../../interfaces/streaming-stats.interface.js';
import { encodeBusMessage } from './redis-bus.codec.js';
import type { RedisKeys } from './redis-keys.js';

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
 * fire-and-forget pipelines; when Redis was unreachable, {@link reconcile} rewrites everything
 * from the local state.
 */
export class RedisClusterRegistry {
  /** Local connections as last written (the base of room diffs). */
  private readonly local = new Map<string, ConnectionDescriptor>();

  constructor(
    private readonly client: () => Redis | undefined,
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
    const pipeline = redis.pipeline();
    pipeline.hset(
      this.keys.connections(this.instanceId),
      descriptor.id,
      JSON.stringify(descriptor),
    );
    if (!previous) pipeline.hset(this.keys.connectionIndex, descriptor.id, this.instanceId);
    const before = new Set(previous?.rooms ?? []);
    const after = new Set(descriptor.rooms);
    for (const room of after) if (!before.has(room)) this.writeJoin(pipeline, descriptor, room);
    for (const room of before) if (!after.has(room)) this.writeLeave(pipeline, descriptor, room);
    pipeline.exec().catch(() => undefined);
  }

  /** Records a local connection that closed. */
  remove(descriptor: ConnectionDescriptor): void {
    const previous = this.local.get(descriptor.id);
    this.local.delete(descriptor.id);
    const redis = this.client();
    if (!redis) return;
    const pipeline = redis.pipeline();
    pipeline.hdel(this.keys.connections(this.instanceId), descriptor.id);
    pipeline.hdel(this.keys.connectionIndex, descriptor.id);
    const rooms = new Set([...(previous?.rooms ?? []), ...descriptor.rooms]);
    for (const room of rooms) this.writeLeave(pipeline, previous ?? descriptor, room);
    pipeline.exec().catch(() => undefined);
  }

  private writeJoin(pipeline: ChainableCommander, descriptor: ConnectionDescriptor, room: string) {
    const member: StoredMember = { userId: descriptor.userId, instanceId: this.instanceId };
    pipeline.hset(this.keys.room(room), descriptor.id, JSON.stringify(member));
    this.writePresence(pipeline, 'join', descriptor, room);
  }

  private writeLeave(pipeline: ChainableCommander, descriptor: ConnectionDescriptor, room: string) {
    pipeline.hdel(this.keys.room(room), descriptor.id);
    this.writePresence(pipeline, 'leave', descriptor, room);
  }

  private writePresence(
    pipeline: ChainableCommander,
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
    pipeline.publish(
      this.keys.presenceChannel,
      encodeBusMessage({ kind: 'presence', origin: this.instanceId, event }),
    );
  }

  /**
   * Makes Redis match the local state (after a reconnect, or when Redis lost its data): removes
   * what this instance wrote for connections that are gone, rewrites the rest.
   */
  async reconcile(current: readonly ConnectionDescriptor[]): Promise<void> {
    const redis = this.client();
    if (!redis) return;
    const stored = await redis.hgetall(this.keys.connections(this.instanceId));
    const pipeline = redis.pipeline();
    const now = new Map(current.map((descriptor) => [descriptor.id, descriptor]));
    for (const [id, json] of Object.entries(stored)) {
      let rooms: readonly string[] = [];
      try {
        rooms = (JSON.parse(json) as ConnectionDescriptor).rooms ?? [];
      } catch {
        // unreadable entry: it is rewritten or deleted below
      }
      const keep = now.get(id);
      if (!keep) pipeline.hdel(this.keys.connectionIndex, id);
      for (const room of rooms) {
        if (!keep || !keep.rooms.includes(room)) pipeline.hdel(this.keys.room(room), id);
      }
    }
    pipeline.del(this.keys.connections(this.instanceId));
    for (const descriptor of current) {
      pipeline.hset(
        this.keys.connections(this.instanceId),
        descriptor.id,
        JSON.stringify(descriptor),
      );
      pipeline.hset(this.keys.connectionIndex, descriptor.id, this.instanceId);
      for (const room of descriptor.rooms) {
        const member: StoredMember = { userId: descriptor.userId, instanceId: this.instanceId };
        pipeline.hset(this.keys.room(room), descriptor.id, JSON.stringify(member));
      }
    }
    this.local.clear();
    for (const descriptor of current) this.local.set(descriptor.id, descriptor);
    await pipeline.exec();
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
    await redis
      .pipeline()
      .set(this.keys.heartbeat(this.instanceId), JSON.stringify(snapshot), 'PX', this.ttlMs)
      .zadd(this.keys.instances, Date.now(), this.instanceId)
      .pexpire(this.keys.connections(this.instanceId), this.ttlMs * CONNECTIONS_TTL_FACTOR)
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
    const pipeline = redis.pipeline();
    for (const descriptor of this.local.values()) {
      pipeline.hdel(this.keys.connectionIndex, descriptor.id);
      for (const room of descriptor.rooms) this.writeLeave(pipeline, descriptor, room);
    }
    pipeline.del(this.keys.connections(this.instanceId));
    pipeline.del(this.keys.heartbeat(this.instanceId));
    pipeline.zrem(this.keys.instances, this.instanceId);
    this.local.clear();
    await pipeline.exec();
  }
}
