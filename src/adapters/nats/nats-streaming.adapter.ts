import { Logger } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { InvalidStateError } from '../../errors/invalid-state.error.js';
import type {
  AdapterChannelCounters,
  AdapterHealth,
  BroadcastEnvelope,
  ConnectionCommand,
  ConnectionDescriptor,
  PresenceMember,
  StreamingAdapter,
  StreamingAdapterHost,
} from '../../interfaces/streaming-adapter.interface.js';
import type { ClusterStats } from '../../interfaces/streaming-stats.interface.js';
import { broadcastRoom } from '../shared/broadcast-room.js';
import { ChannelCounters } from '../shared/channel-counters.js';
import { loadNats, type NatsModules } from './load-nats.js';
import type {
  NatsStreamingAdapterOptions,
  ResolvedNatsAdapterOptions,
} from './nats-adapter-options.interface.js';
import { encodeBusPayload } from './nats-bus.codec.js';
import { NatsClusterRegistry } from './nats-cluster-registry.js';
import type { RegistryBuckets } from './nats-registry-types.js';
import { NatsHistoryStore } from './nats-history.store.js';
import type { JetStreamHandles } from './nats-jetstream.js';
import { NatsMessageBus } from './nats-message-bus.js';
import { NatsNames } from './nats-names.js';
import { NatsRegistryReader } from './nats-registry-reader.js';
import { NatsRegistrySweeper } from './nats-registry-sweeper.js';
import { NatsRoomHistoryStore } from './nats-room-history.store.js';
import { NatsUnavailableError } from './nats-unavailable.error.js';
import { resolveNatsOptions } from './resolve-nats-options.js';
import { OrderedWrites } from '../shared/ordered-writes.js';

/** Registry entries outlive the heartbeat by this factor; each instance rewrites its own in time. */
const REGISTRY_TTL_FACTOR = 5;

interface Running {
  readonly host: StreamingAdapterHost;
  readonly nc: NatsConnection;
  readonly handles: JetStreamHandles;
  readonly buckets: RegistryBuckets;
  readonly registry: NatsClusterRegistry;
  readonly reader: NatsRegistryReader;
  readonly sweeper: NatsRegistrySweeper;
  readonly bus: NatsMessageBus;
}

/** The servers without credentials, for messages. */
function redact(servers: readonly string[]): string[] {
  return servers.map((server) => server.replace(/\/\/[^@/]*@/, '//'));
}

/**
 * Shares broadcasts, rooms, presence, the connection registry and history between instances
 * through NATS (`@nats-io/transport-node`, `@nats-io/jetstream` and `@nats-io/kv`, optional peer
 * dependencies):
 * - a broadcast scoped to a room (`to(room)`, `inRoom` at the top of its filters) goes out on
 *   that room's subject, which an instance subscribes to only while it has local members of the
 *   room; unscoped broadcasts and presence changes go out on global subjects; the origin skips
 *   its own;
 * - commands on a remote connection (`disconnect`, `join`, `leave`, `send`) are requests to the
 *   owning instance's subject, found through the connection id → instance index; the reply
 *   says whether the connection was there;
 * - the registry and presence live in KV buckets: heartbeats (statistics snapshots) in a bucket
 *   whose TTL is the registry TTL, so a crashed instance's entries are ignored once it expires
 *   and then swept; connections and room members in a bucket with a longer TTL that each
 *   instance keeps fresh; a graceful close deletes the instance's entries at once;
 * - SSE history and room history live in JetStream streams ({@link NatsHistoryStore},
 *   {@link NatsRoomHistoryStore}), so a client resumes on any instance.
 *
 * NATS outages never throw into the app: local delivery goes on, `health()` reports
 * `degraded`, and on reconnection (the client restores its subscriptions) the adapter rewrites
 * its registry entries and signals SSE gaps (`history.onGap`).
 *
 * ```ts
 * ForgeStreamingModule.forRoot({ adapter: new NatsStreamingAdapter({ servers: 'nats://127.0.0.1:4222' }) })
 * ```
 */
export class NatsStreamingAdapter implements StreamingAdapter {
  readonly distributed = true;
  /** SSE history in JetStream: resume on any instance. */
  readonly history: NatsHistoryStore;
  /** Room history in JetStream: recovery on any instance. */
  readonly roomHistory: NatsRoomHistoryStore;
  private readonly logger = new Logger('ForgeStreamingNats');
  private readonly config: ResolvedNatsAdapterOptions;
  private readonly names: NatsNames;
  private readonly counters = new ChannelCounters();
  private state: 'idle' | 'starting' | 'running' | 'closed' = 'idle';
  private running: Running | undefined;
  private connected = false;
  private publishLost = false;
  private ticking = false;
  private ticks = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Settles when the room subscriptions made so far reached the server. */
  private roomsFlushed: Promise<void> | undefined;
  /** Registry writes, in order (some wait for a room subscription). */
  private readonly writes = new OrderedWrites(() => this.running !== undefined);

  constructor(options: NatsStreamingAdapterOptions = {}) {
    this.config = resolveNatsOptions(options);
    this.names = new NatsNames(this.config.prefix);
    const access = (): JetStreamHandles | undefined =>
      this.connected ? this.running?.handles : undefined;
    this.history = new NatsHistoryStore(access, this.names);
    this.roomHistory = new NatsRoomHistoryStore(access, this.names);
  }

  /** Connects to NATS, creates the buckets, subscribes and registers this instance. */
  async init(host: StreamingAdapterHost): Promise<void> {
    if (this.state !== 'idle')
      throw new InvalidStateError(`NatsStreamingAdapter cannot start: ${this.state}`);
    this.state = 'starting';
    try {
      const modules = await loadNats();
      const nc = await this.connect(modules, host.instanceId);
      try {
        this.running = await this.start(modules, nc, host);
      } catch (error) {
        await nc.close().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      this.state = 'idle';
      throw error;
    }
    this.connected = true;
    this.state = 'running';
    const running = this.running;
    running.bus.subscribe();
    await running.registry.heartbeat(host.localStats());
    await running.registry.reconcile(host.localConnections());
    await running.nc.flush();
    void this.watchStatus(running);
    this.timer = setInterval(() => void this.tick(), this.config.heartbeatMs);
    this.timer.unref();
  }

  private async connect(modules: NatsModules, instanceId: string): Promise<NatsConnection> {
    let nc: NatsConnection;
    try {
      nc = await modules.transport.connect({
        name: `forge-streaming:${instanceId}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        ignoreClusterUpdates: true,
        ...this.config.connectionOptions,
        servers: this.config.servers,
        timeout: this.config.connectTimeoutMs,
      });
    } catch (error) {
      throw new NatsUnavailableError(
        redact(this.config.servers),
        `no answer within ${this.config.connectTimeoutMs} ms (${(error as Error).message})`,
      );
    }
    if (!nc.info?.jetstream) {
      await nc.close().catch(() => undefined);
      throw new NatsUnavailableError(redact(this.config.servers), 'JetStream is not enabled');
    }
    return nc;
  }

  private async start(
    modules: NatsModules,
    nc: NatsConnection,
    host: StreamingAdapterHost,
  ): Promise<Running> {
    const handles: JetStreamHandles = {
      js: modules.jetstream.jetstream(nc),
      jsm: await modules.jetstream.jetstreamManager(nc),
    };
    const kvm = new modules.kv.Kvm(nc);
    const bucket = async (name: string, ttl: number): Promise<KV> => {
      try {
        return await kvm.create(name, { ttl, history: 1 });
      } catch {
        // exists with other settings (another instance's options): use it as it is
        return kvm.open(name);
      }
    };
    const ttl = this.config.registryTtlMs;
    const buckets: RegistryBuckets = {
      live: await bucket(this.names.liveBucket, ttl),
      registry: await bucket(this.names.registryBucket, ttl * REGISTRY_TTL_FACTOR),
      liveName: this.names.liveBucket,
      registryName: this.names.registryBucket,
      jsm: handles.jsm,
    };
    const reader = new NatsRegistryReader(buckets, this.names, host.instanceId);
    const bus = new NatsMessageBus(
      nc,
      this.names,
      host.instanceId,
      {
        broadcast: (envelope) => host.deliverLocal(envelope),
        presence: (event) => host.emitPresence(event),
        command: (command) => host.applyLocal(command),
        gap: () => this.history.notifyGap('publish-lost'),
      },
      this.counters,
      this.config.roomSubjectLingerMs,
    );
    return {
      host,
      nc,
      handles,
      buckets,
      reader,
      bus,
      registry: new NatsClusterRegistry(
        nc,
        buckets,
        this.names,
        host.instanceId,
        () => this.connected,
      ),
      sweeper: new NatsRegistrySweeper(buckets, this.names, reader, host.instanceId),
    };
  }

  /** Follows the connection's state: degraded while disconnected, resynchronized after. */
  private async watchStatus(running: Running): Promise<void> {
    try {
      for await (const status of running.nc.status()) {
        if (this.running !== running) return;
        if (status.type === 'disconnect') {
          this.connected = false;
          running.host.deliveryLost?.();
        } else if (status.type === 'reconnect') {
          this.connected = true;
          void this.resynchronize(running);
        }
      }
    } catch {
      // the connection closed
    }
  }

  /** After a reconnection: the server may have lost state, and live messages were missed. */
  private async resynchronize(running: Running): Promise<void> {
    this.history.forgetStreams();
    this.roomHistory.forgetStream();
    try {
      await running.registry.heartbeat(running.host.localStats());
      await running.registry.reconcile(running.host.localConnections());
      await this.history.flushGapMarkers();
      if (this.publishLost) {
        this.publishLost = false;
        running.nc.publish(this.names.gap, encodeBusPayload(running.host.instanceId, {}));
      }
    } catch (error) {
      this.logger.warn(`NATS resynchronization failed: ${(error as Error).message}`);
    }
    // Messages published while this instance was disconnected are lost for it.
    this.history.notifyGap('resubscribed');
    running.host.deliveryResumed?.();
  }

  /** Leaves the cluster (removes this instance's entries) and closes the connection. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.timer) clearInterval(this.timer);
    const running = this.running;
    if (!running) return;
    if (this.connected) {
      try {
        await running.registry.leave();
      } catch {
        // NATS unreachable: the entries expire with the heartbeat
      }
    }
    this.running = undefined;
    this.connected = false;
    running.bus.close();
    await running.nc.close().catch(() => undefined);
  }

  private async tick(): Promise<void> {
    const running = this.running;
    if (!running || this.ticking || !this.connected) return;
    this.ticking = true;
    this.ticks += 1;
    try {
      await running.registry.heartbeat(running.host.localStats());
      const refreshEvery = Math.max(
        1,
        Math.floor(
          (this.config.registryTtlMs * REGISTRY_TTL_FACTOR) / (3 * this.config.heartbeatMs),
        ),
      );
      if (this.ticks % refreshEvery === 0) await running.registry.refresh();
      const leaves = await running.sweeper.sweep();
      for (const event of leaves) {
        running.host.emitPresence(event);
        running.nc.publish(this.names.presence, encodeBusPayload(running.host.instanceId, event));
      }
    } catch {
      // NATS unreachable: health() says so; the next tick retries
    } finally {
      this.ticking = false;
    }
  }

  /** Sends a broadcast to the other instances; never throws (a loss is signalled as an SSE gap). */
  publish(envelope: BroadcastEnvelope): Promise<void> {
    const running = this.running;
    if (!running) return Promise.resolve();
    if (!this.connected) {
      // not buffered for later: a late delivery after the outage would be out of order
      this.publishLost = true;
      return Promise.resolve();
    }
    const room = broadcastRoom(envelope.filters);
    const payload = encodeBusPayload(envelope.origin, envelope);
    try {
      if (room === undefined) {
        running.nc.publish(this.names.broadcast, payload);
        this.counters.published('global');
      } else {
        running.nc.publish(this.names.room(room), payload);
        this.counters.published('room');
      }
    } catch {
      this.publishLost = true;
    }
    return Promise.resolve();
  }

  /** Asks the instance owning the connection to apply the command; false when none answered. */
  async command(command: ConnectionCommand): Promise<boolean> {
    const running = this.running;
    if (!running || !this.connected) return false;
    const self = running.host.instanceId;
    try {
      const owner = await running.reader.ownerOf(command.connectionId);
      if (!owner || owner === self) return false;
      const reply = await running.nc.request(
        this.names.instance(owner),
        encodeBusPayload(self, command),
        { timeout: this.config.commandTimeoutMs },
      );
      return reply.string() === '1';
    } catch {
      return false;
    }
  }

  /**
   * Records a local connection's descriptor. When it joined a room whose subscription may not
   * have reached the server yet, the write (and its presence notice) waits for it, so a member
   * that the cluster lists is a member that receives the room's broadcasts.
   */
  connectionUpdated(descriptor: ConnectionDescriptor): void {
    const running = this.running;
    if (!running) return;
    const after = this.roomsFlushed;
    this.roomsFlushed = undefined;
    this.writes.run(after, () => running.registry.update(descriptor));
  }

  connectionClosed(descriptor: ConnectionDescriptor): void {
    const running = this.running;
    if (!running) return;
    this.writes.run(undefined, () => running.registry.remove(descriptor));
  }

  /** Subscribes to the room's subject (its first local member joined). */
  roomActive(room: string): void {
    const running = this.running;
    if (!running) return;
    running.bus.rooms.activate(room);
    if (this.connected) this.roomsFlushed = running.bus.rooms.flushed().catch(() => undefined);
  }

  /** Unsubscribes from the room's subject after the linger time (its last local member left). */
  roomInactive(room: string): void {
    this.running?.bus.rooms.deactivate(room);
  }

  /** Broadcasts published and decoded by this instance, per subject kind. */
  channelCounters(): AdapterChannelCounters {
    return this.counters.snapshot(this.running?.bus.rooms.size ?? 0);
  }

  async findConnection(id: string): Promise<ConnectionDescriptor | undefined> {
    if (!this.running || !this.connected) return undefined;
    try {
      return await this.running.reader.findConnection(id);
    } catch {
      return undefined;
    }
  }

  async roomMembers(room: string): Promise<PresenceMember[]> {
    const running = this.running;
    if (!running) return [];
    if (!this.connected) return running.registry.localMembers(room);
    try {
      return await running.reader.roomMembers(room);
    } catch {
      return running.registry.localMembers(room);
    }
  }

  async clusterStats(): Promise<ClusterStats | undefined> {
    const running = this.running;
    if (!running || !this.connected) return undefined;
    const stats = running.host.localStats();
    try {
      return await running.reader.clusterStats({
        instanceId: running.host.instanceId,
        activeConnections: stats.activeConnections,
        byProtocol: stats.byProtocol,
        at: Date.now(),
      });
    } catch {
      return undefined;
    }
  }

  health(): AdapterHealth {
    if (this.state !== 'running' || !this.running) {
      return { status: 'down', detail: this.state === 'closed' ? 'closed' : 'not started' };
    }
    if (this.connected) return { status: 'up' };
    return {
      status: 'degraded',
      detail: `NATS at ${redact(this.config.servers).join(', ')} unreachable; reconnecting (local delivery continues)`,
    };
  }
}
