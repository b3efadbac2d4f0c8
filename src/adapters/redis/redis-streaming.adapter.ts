import { Logger } from '@nestjs/common';
import type {
  AdapterChannelCounters,
  AdapterHealth,
  BroadcastEnvelope,
  ConnectionCommand,
  ConnectionDescriptor,
  PresenceMember,
  RoomHistoryStore,
  StreamingAdapter,
  StreamingAdapterHost,
} from '../../interfaces/streaming-adapter.interface.js';
import type { ClusterStats } from '../../interfaces/streaming-stats.interface.js';
import { loadIoredis, loadIoredisCluster } from './load-ioredis.js';
import type { RedisClient } from './redis-client.js';
import type {
  RedisStreamingAdapterOptions,
  ResolvedRedisAdapterOptions,
} from './redis-adapter-options.interface.js';
import { encodeBusMessage } from './redis-bus.codec.js';
import { RedisClusterRegistry } from './redis-cluster-registry.js';
import { RedisConnections, type RedisRole } from './redis-connections.js';
import { RedisHistoryStore } from './redis-history.store.js';
import { RedisRoomHistoryStore } from './redis-room-history.store.js';
import { RedisKeys } from './redis-keys.js';
import { RedisMessageBus } from './redis-message-bus.js';
import { RedisRegistryReader } from './redis-registry-reader.js';
import { RedisRegistrySweeper } from './redis-registry-sweeper.js';
import { resolveRedisOptions } from './resolve-redis-options.js';
import { InvalidStateError } from '../../errors/invalid-state.error.js';
import { broadcastRoom } from '../shared/broadcast-room.js';
import { ChannelCounters } from '../shared/channel-counters.js';
import { detectPubSubMode } from './detect-pub-sub-mode.js';
import { RedisRoomChannels } from './redis-room-channels.js';
import { OrderedWrites } from '../shared/ordered-writes.js';

/** How many times a resync after a cluster node came back is tried (every 500 ms). */
const NODE_RESYNC_ATTEMPTS = 60;

interface Running {
  readonly host: StreamingAdapterHost;
  readonly connections: RedisConnections;
  readonly registry: RedisClusterRegistry;
  readonly reader: RedisRegistryReader;
  readonly sweeper: RedisRegistrySweeper;
  readonly bus: RedisMessageBus;
  readonly rooms: RedisRoomChannels;
}

/**
 * Shares broadcasts, rooms, presence, the connection registry and SSE history between instances
 * through Redis (ioredis, an optional peer dependency):
 * - a broadcast scoped to a room (`to(room)`, `inRoom` at the top of its filters) goes out on
 *   that room's channel, which an instance listens to only while it has local members of the
 *   room (sharded pub/sub on Redis >= 7, so on Redis Cluster a room lives on one shard);
 *   unscoped broadcasts and presence changes fan out on global channels; the origin skips its own;
 * - commands on a remote connection (`disconnect`, `join`, `leave`, `send`) go to the owning
 *   instance's channel, found through the connection id → instance index;
 * - each instance keeps a hash of its connections and a heartbeat key (TTL) carrying its
 *   statistics snapshot; entries of an instance whose heartbeat expired are ignored and swept;
 * - SSE history lives in one Redis stream per route ({@link RedisHistoryStore}).
 *
 * Redis outages never throw into the app: local delivery goes on, `health()` reports
 * `degraded`, and on reconnection the adapter resubscribes, rewrites its registry entries and
 * signals SSE gaps (`history.onGap`).
 *
 * On Redis Cluster (`cluster: { nodes }`, or a given ioredis `Cluster` as `client`) every
 * multi-key command and script stays in one slot (keys share hash tags; registry writes are
 * batched per slot), room channels use sharded pub/sub on their room's shard, and a master that
 * restarts without its data gets this instance's registry entries written again.
 *
 * ```ts
 * ForgeStreamingModule.forRoot({ adapter: new RedisStreamingAdapter({ url: process.env.REDIS_URL }) })
 * // Redis Cluster:
 * new RedisStreamingAdapter({ cluster: { nodes: [{ host: '10.0.0.1', port: 7000 }] } })
 * ```
 */
export class RedisStreamingAdapter implements StreamingAdapter {
  readonly distributed = true;
  readonly history: RedisHistoryStore;
  /** Room history in Redis Streams ({@link RedisRoomHistoryStore}): recovery on any instance. */
  readonly roomHistory: RoomHistoryStore;
  private readonly logger = new Logger('ForgeStreamingRedis');
  private readonly config: ResolvedRedisAdapterOptions;
  private readonly keys: RedisKeys;
  private state: 'idle' | 'starting' | 'running' | 'closed' = 'idle';
  private running: Running | undefined;
  private subscribed = false;
  private subscribedOnce = false;
  private servedWithoutRedis = false;
  private publishLost = false;
  private ticking = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly counters = new ChannelCounters();
  /** Registry writes, in order (some wait for a room subscription). */
  private readonly writes = new OrderedWrites(() => this.running !== undefined);
  private nodeResync: NodeJS.Timeout | undefined;

  constructor(options: RedisStreamingAdapterOptions = {}) {
    this.config = resolveRedisOptions(options);
    this.keys = new RedisKeys(this.config.keyPrefix);
    this.history = new RedisHistoryStore(() => this.readyClient(), this.keys);
    this.roomHistory = new RedisRoomHistoryStore(() => this.readyClient(), this.keys.prefix);
  }

  /** Connects to Redis, subscribes and registers this instance. */
  async init(host: StreamingAdapterHost): Promise<void> {
    if (this.state !== 'idle')
      throw new InvalidStateError(`RedisStreamingAdapter cannot start: ${this.state}`);
    this.state = 'starting';
    const Ctor = await loadIoredis();
    const ClusterCtor = this.config.cluster ? await loadIoredisCluster() : undefined;
    const connections = new RedisConnections(
      Ctor,
      this.config,
      {
        ready: (role) => this.onReady(role),
        lost: (role) => this.onLost(role),
        nodeReady: () => this.onNodeReady(),
      },
      ClusterCtor,
    );
    const commands = connections.commands;
    const registry = new RedisClusterRegistry(
      () => this.readyClient(),
      this.keys,
      host.instanceId,
      this.config.registryTtlMs,
    );
    const rooms = new RedisRoomChannels(
      connections.subscriber,
      this.keys,
      this.config.roomChannelLingerMs,
    );
    const bus = new RedisMessageBus(
      connections.subscriber,
      this.keys,
      host.instanceId,
      {
        broadcast: (envelope) => host.deliverLocal(envelope),
        presence: (event) => host.emitPresence(event),
        command: (command) => host.applyLocal(command),
        gap: () => this.history.notifyGap('publish-lost'),
      },
      rooms,
      this.counters,
    );
    this.running = {
      host,
      connections,
      registry,
      bus,
      rooms,
      reader: new RedisRegistryReader(commands, this.keys, host.instanceId),
      sweeper: new RedisRegistrySweeper(
        commands,
        this.keys,
        host.instanceId,
        this.config.registryTtlMs,
      ),
    };
    connections.connect();
    if (!this.config.degradedStart) {
      try {
        await connections.waitReady(this.config.connectTimeoutMs);
      } catch (error) {
        bus.detach();
        await connections.close();
        this.running = undefined;
        this.state = 'idle';
        throw error;
      }
    }
    this.state = 'running';
    if (connections.isReady('commands')) await this.onCommandsReady();
    if (connections.isReady('subscriber')) await this.onSubscriberReady();
    else this.servedWithoutRedis = true;
    this.timer = setInterval(() => void this.tick(), this.config.heartbeatMs);
    this.timer.unref();
  }

  /** Leaves the cluster (removes this instance's entries) and closes the connections. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.timer) clearInterval(this.timer);
    if (this.nodeResync) clearTimeout(this.nodeResync);
    const running = this.running;
    if (!running) return;
    try {
      // leave while the connections are still ours: it writes through the ready client
      await running.registry.leave();
    } catch {
      // Redis unreachable: the entries expire with the heartbeat
    }
    this.running = undefined;
    running.rooms.close();
    running.bus.detach();
    await running.connections.close();
  }

  private readyClient(): RedisClient | undefined {
    const connections = this.running?.connections;
    return connections?.isReady('commands') ? connections.commands : undefined;
  }

  private onReady(role: RedisRole): void {
    if (this.state !== 'running') return;
    const task = role === 'commands' ? this.onCommandsReady() : this.onSubscriberReady();
    void task;
  }

  /**
   * A Redis Cluster node (re)connected while the cluster stayed up: a master that restarted
   * comes back empty, so this instance rewrites its registry entries (once for a burst), again
   * every half second while the cluster still refuses (a restarted node answers `CLUSTERDOWN`
   * until it has caught up with the others).
   */
  private onNodeReady(attempt = 0): void {
    if (this.state !== 'running' || this.nodeResync) return;
    this.nodeResync = setTimeout(
      () => {
        this.nodeResync = undefined;
        void this.onCommandsReady().then((done) => {
          if (!done && attempt < NODE_RESYNC_ATTEMPTS) this.onNodeReady(attempt + 1);
        });
      },
      attempt === 0 ? 100 : 500,
    );
    this.nodeResync.unref();
  }

  private onLost(role: RedisRole): void {
    if (role !== 'subscriber') return;
    this.subscribed = false;
    this.running?.host.deliveryLost?.();
  }

  /** Rewrites this instance's registry entries and heartbeat; false when Redis refused. */
  private async onCommandsReady(): Promise<boolean> {
    const running = this.running;
    if (!running) return true;
    try {
      await this.learnPubSubMode(running, running.connections.commands);
      await running.registry.reconcile(running.host.localConnections());
      await running.registry.heartbeat(running.host.localStats());
      await this.history.flushGapMarkers();
      if (this.publishLost) {
        this.publishLost = false;
        await running.connections.commands.publish(
          this.keys.broadcastChannel,
          encodeBusMessage({ kind: 'gap', origin: running.host.instanceId }),
        );
      }
      return true;
    } catch (error) {
      this.logger.warn(`Redis resynchronization failed: ${(error as Error).message}`);
      return false;
    }
  }

  private async onSubscriberReady(): Promise<void> {
    const running = this.running;
    if (!running) return;
    try {
      await this.learnPubSubMode(running, running.connections.subscriber);
      await running.bus.subscribe();
    } catch (error) {
      this.logger.warn(`Redis subscription failed: ${(error as Error).message}`);
      return;
    }
    this.subscribed = true;
    // Messages published while this instance was not subscribed are lost for it.
    if (this.subscribedOnce || this.servedWithoutRedis) {
      this.history.notifyGap('resubscribed');
      running.host.deliveryResumed?.();
    }
    this.subscribedOnce = true;
  }

  private async learnPubSubMode(running: Running, client: RedisClient): Promise<void> {
    if (running.rooms.pubSubMode) return;
    running.rooms.useMode(await detectPubSubMode(client, this.config.shardedPubSub));
  }

  private async tick(): Promise<void> {
    const running = this.running;
    if (!running || this.ticking || !this.readyClient()) return;
    this.ticking = true;
    try {
      await running.registry.heartbeat(running.host.localStats());
      const leaves = await running.sweeper.sweep();
      for (const event of leaves) {
        running.host.emitPresence(event);
        const origin = running.host.instanceId;
        await running.connections.commands.publish(
          this.keys.presenceChannel,
          encodeBusMessage({ kind: 'presence', origin, event }),
        );
      }
    } catch {
      // Redis unreachable: health() says so; the next tick retries
    } finally {
      this.ticking = false;
    }
  }

  /** Sends a broadcast to the other instances; never throws (a loss is signalled as an SSE gap). */
  async publish(envelope: BroadcastEnvelope): Promise<void> {
    const redis = this.readyClient();
    if (!redis) {
      this.publishLost = true;
      return;
    }
    const room = broadcastRoom(envelope.filters);
    const encoded = encodeBusMessage({ kind: 'broadcast', origin: envelope.origin, envelope });
    try {
      if (room === undefined) {
        await redis.publish(this.keys.broadcastChannel, encoded);
        this.counters.published('global');
      } else {
        const channel = this.keys.roomChannel(room);
        if (this.running?.rooms.pubSubMode === 'sharded') await redis.spublish(channel, encoded);
        else await redis.publish(channel, encoded);
        this.counters.published('room');
      }
    } catch {
      this.publishLost = true;
    }
  }

  /** Routes a command to the instance owning the connection; false when none is known. */
  async command(command: ConnectionCommand): Promise<boolean> {
    const running = this.running;
    const redis = this.readyClient();
    if (!running || !redis) return false;
    const self = running.host.instanceId;
    try {
      const owner = await running.reader.ownerOf(command.connectionId);
      if (!owner || owner === self) return false;
      const channel = this.keys.instanceChannel(owner);
      const message = encodeBusMessage({ kind: 'command', origin: self, command });
      const receivers =
        running.rooms.pubSubMode === 'sharded'
          ? await redis.spublish(channel, message)
          : await redis.publish(channel, message);
      return Number(receivers) > 0;
    } catch {
      return false;
    }
  }

  /**
   * Records a local connection's descriptor. When it joined a room whose channel subscription is
   * still in flight, the write (and its presence notice) waits for the subscription, so a member
   * that the cluster lists is a member that receives the room's broadcasts.
   */
  connectionUpdated(descriptor: ConnectionDescriptor): void {
    const running = this.running;
    if (!running) return;
    this.writes.run(running.rooms.pending(descriptor.rooms), () =>
      running.registry.update(descriptor),
    );
  }

  connectionClosed(descriptor: ConnectionDescriptor): void {
    const running = this.running;
    if (!running) return;
    this.writes.run(undefined, () => running.registry.remove(descriptor));
  }

  /** Subscribes to the room's channel (its first local member joined). */
  roomActive(room: string): void {
    this.running?.rooms.activate(room);
  }

  /** Unsubscribes from the room's channel after the linger time (its last local member left). */
  roomInactive(room: string): void {
    this.running?.rooms.deactivate(room);
  }

  /** Broadcasts published and decoded by this instance, per channel kind. */
  channelCounters(): AdapterChannelCounters {
    return this.counters.snapshot(this.running?.rooms.size ?? 0);
  }

  async findConnection(id: string): Promise<ConnectionDescriptor | undefined> {
    if (!this.running || !this.readyClient()) return undefined;
    try {
      return await this.running.reader.findConnection(id);
    } catch {
      return undefined;
    }
  }

  async roomMembers(room: string): Promise<PresenceMember[]> {
    const running = this.running;
    if (!running) return [];
    if (!this.readyClient()) return running.registry.localMembers(room);
    try {
      return await running.reader.roomMembers(room);
    } catch {
      return running.registry.localMembers(room);
    }
  }

  async clusterStats(): Promise<ClusterStats | undefined> {
    const running = this.running;
    if (!running || !this.readyClient()) return undefined;
    const stats = running.host.localStats();
    try {
      return await running.reader.clusterStats({
        activeConnections: stats.activeConnections,
        byProtocol: stats.byProtocol,
        at: Date.now(),
      });
    } catch {
      return undefined;
    }
  }

  health(): AdapterHealth {
    const connections = this.running?.connections;
    if (this.state !== 'running' || !connections) {
      return { status: 'down', detail: this.state === 'closed' ? 'closed' : 'not started' };
    }
    if (connections.isReady('commands') && connections.isReady('subscriber') && this.subscribed) {
      return { status: 'up' };
    }
    return {
      status: 'degraded',
      detail: `Redis at ${connections.target} unreachable; reconnecting (local delivery continues)`,
    };
  }
}
