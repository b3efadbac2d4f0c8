/**
 * Names of every key and channel the Redis adapter uses, under one prefix. Keys that one script
 * or one instance's writes use together share a hash tag (`{...}`), so on Redis Cluster they
 * live in one slot: an instance's heartbeat and connection hash are tagged with the instance id,
 * a room's member hash and channel with the room name.
 */
export class RedisKeys {
  /** Sorted set: instance id → time of its last heartbeat (epoch ms). */
  readonly instances: string;
  /** Hash: connection id → id of the instance holding it. */
  readonly connectionIndex: string;
  /** Prefix of the per-room hashes (connection id → member JSON). */
  readonly roomPrefix: string;
  /** Channel of broadcasts and gap notices. */
  readonly broadcastChannel: string;
  /** Channel of presence changes. */
  readonly presenceChannel: string;
  /** Prefix of the per-room broadcast channels. */
  readonly roomChannelPrefix: string;

  constructor(readonly prefix: string) {
    this.instances = `${prefix}instances`;
    this.connectionIndex = `${prefix}connection-index`;
    this.roomPrefix = `${prefix}room:`;
    this.broadcastChannel = `${prefix}channel:broadcast`;
    this.presenceChannel = `${prefix}channel:presence`;
    this.roomChannelPrefix = `${prefix}channel:room:`;
  }

  /** String with TTL: the instance's statistics snapshot; its existence means "alive". */
  heartbeat(instanceId: string): string {
    return `${this.prefix}instance:{${instanceId}}:heartbeat`;
  }

  /** Hash: connection id → descriptor JSON, for one instance. */
  connections(instanceId: string): string {
    return `${this.prefix}instance:{${instanceId}}:connections`;
  }

  /** Hash of a room's members. */
  room(room: string): string {
    return `${this.roomPrefix}{${room}}`;
  }

  /**
   * Channel of a room's broadcasts, heard only by instances with local members of the room. The
   * room name is the hash tag, so on Redis Cluster the channel lives on the room's shard.
   */
  roomChannel(room: string): string {
    return `${this.roomChannelPrefix}{${room}}`;
  }

  /**
   * Channel of commands for one instance. Tagged with the instance id: with sharded pub/sub it
   * lives on one shard, whose subscriber count tells the sender whether the instance heard it.
   */
  instanceChannel(instanceId: string): string {
    return `${this.prefix}channel:instance:{${instanceId}}`;
  }

  /** Stream of a route's SSE history. */
  history(route: string): string {
    return `${this.prefix}sse-history:${route}`;
  }
}
