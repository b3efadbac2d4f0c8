import { Logger } from '@nestjs/common';
import { isClusterClient, type RedisClient } from './redis-client.js';
import type { RedisKeys } from './redis-keys.js';

/** How room channels are carried: sharded pub/sub (Redis >= 7) or classic pub/sub. */
export type RedisPubSubMode = 'sharded' | 'classic';

interface RoomChannel {
  /** Settles when the last (re)subscription of the room's channel was answered. */
  subscribed: Promise<void> | undefined;
  /** Pending unsubscription after the last local member left. */
  linger: NodeJS.Timeout | undefined;
}

/**
 * The subscriber connection's per-room channels: a room's channel is subscribed when the room
 * gets its first local member and unsubscribed `lingerMs` after its last one left (a member
 * joining again within that time cancels it: no subscribe/unsubscribe storms). While the
 * subscriber is down, rooms are only recorded; {@link resubscribe} restores them all. On Redis
 * Cluster each room's channel is sharded-subscribed on its own (channels of one `SSUBSCRIBE`
 * must share a slot), and ioredis keeps one subscriber connection per shard.
 */
export class RedisRoomChannels {
  private readonly logger = new Logger('ForgeStreamingRedis');
  private readonly rooms = new Map<string, RoomChannel>();
  private mode: RedisPubSubMode | undefined;

  constructor(
    private readonly subscriber: RedisClient,
    private readonly keys: RedisKeys,
    private readonly lingerMs: number,
  ) {}

  /** The pub/sub flavour, known once the server's version was read. */
  get pubSubMode(): RedisPubSubMode | undefined {
    return this.mode;
  }

  /** Sets the pub/sub flavour (once, before the first subscription). */
  useMode(mode: RedisPubSubMode): void {
    this.mode ??= mode;
  }

  /** Rooms whose channel is subscribed (or lingering before its unsubscription). */
  get size(): number {
    return this.rooms.size;
  }

  /** The room has its first local member: listen to its channel. */
  activate(room: string): void {
    const existing = this.rooms.get(room);
    if (existing) {
      if (existing.linger) clearTimeout(existing.linger);
      existing.linger = undefined;
      return;
    }
    const channel: RoomChannel = { subscribed: undefined, linger: undefined };
    this.rooms.set(room, channel);
    this.track([room], this.subscribe([room]));
  }

  /** The room lost its last local member: stop listening after the linger time. */
  deactivate(room: string): void {
    const channel = this.rooms.get(room);
    if (!channel || channel.linger) return;
    channel.linger = setTimeout(() => {
      this.rooms.delete(room);
      void this.unsubscribe(room);
    }, this.lingerMs);
    channel.linger.unref();
  }

  /** Settles when every given room's channel subscription was answered; undefined when none is pending. */
  pending(rooms: readonly string[]): Promise<void> | undefined {
    const waits: Promise<void>[] = [];
    for (const room of rooms) {
      const subscribed = this.rooms.get(room)?.subscribed;
      if (subscribed) waits.push(subscribed);
    }
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
  }

  /** Subscribes every recorded room again (the subscriber connection is ready again). */
  async resubscribe(): Promise<void> {
    const rooms = [...this.rooms.keys()];
    if (rooms.length === 0) return;
    const subscribed = this.subscribe(rooms);
    this.track(rooms, subscribed);
    await subscribed;
  }

  /** Marks the rooms' subscriptions as pending until `subscribed` settles. */
  private track(rooms: readonly string[], subscribed: Promise<void>): void {
    for (const room of rooms) {
      const channel = this.rooms.get(room);
      if (channel) channel.subscribed = subscribed;
    }
    void subscribed.then(() => {
      for (const room of rooms) {
        const channel = this.rooms.get(room);
        if (channel?.subscribed === subscribed) channel.subscribed = undefined;
      }
    });
  }

  /** Whether `channel` is a room channel. */
  isRoomChannel(channel: string): boolean {
    return channel.startsWith(this.keys.roomChannelPrefix);
  }

  /** Cancels pending unsubscriptions (the connection is closing). */
  close(): void {
    for (const channel of this.rooms.values()) if (channel.linger) clearTimeout(channel.linger);
    this.rooms.clear();
  }

  private async subscribe(rooms: readonly string[]): Promise<void> {
    if (this.subscriber.status !== 'ready' || !this.mode) return;
    const channels = rooms.map((room) => this.keys.roomChannel(room));
    try {
      if (this.mode === 'classic') await this.subscriber.subscribe(...channels);
      else if (!isClusterClient(this.subscriber)) await this.subscriber.ssubscribe(...channels);
      else {
        const cluster = this.subscriber;
        await Promise.all(channels.map((channel) => cluster.ssubscribe(channel)));
      }
    } catch (error) {
      // resubscribed when the connection is ready again
      this.logger.warn(`Room channel subscription failed: ${(error as Error).message}`);
    }
  }

  private async unsubscribe(room: string): Promise<void> {
    if (this.subscriber.status !== 'ready' || !this.mode) return;
    const channel = this.keys.roomChannel(room);
    try {
      if (this.mode === 'sharded') await this.subscriber.sunsubscribe(channel);
      else await this.subscriber.unsubscribe(channel);
    } catch {
      // the connection dropped: nothing is subscribed on a new one
    }
  }
}
