import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { Broadcaster, type BroadcastResult } from '../broadcast/broadcaster.service.js';
import { ClusterHost } from '../cluster/cluster-host.service.js';
import { StreamingPresence } from '../cluster/presence.service.js';
import { OutboundMessage } from '../connection/outbound-message.js';
import { StreamingRouteRegistrar } from '../discovery/streaming-route.registrar.js';
import { GatewayEmitter, type EmitResult } from '../gateway/gateway-emitter.service.js';
import { CloseCode } from '../errors/close-codes.js';
import { ConnectionNotFoundError } from '../errors/connection-not-found.error.js';
import type { StreamingHandler } from '../handshake/connection-runner.service.js';
import type { ConnectionFilter } from '../interfaces/connection-filter.interface.js';
import type {
  SseContext,
  StreamingConnection,
  WebSocketConnection,
  WebTransportSession,
} from '../interfaces/connection.interface.js';
import type {
  SseRouteOptions,
  WebSocketRouteOptions,
  WebTransportRouteOptions,
} from '../interfaces/route-options.interface.js';
import type {
  AdapterHealth,
  ConnectionCommand,
  ConnectionDescriptor,
  PresenceEvent,
  PresenceMember,
  StreamingAdapter,
} from '../interfaces/streaming-adapter.interface.js';
import type { ClusterStats, StreamingStats } from '../interfaces/streaming-stats.interface.js';
import { forUser, inRoom } from '../registry/connection-filters.js';
import { ConnectionRegistry } from '../registry/connection-registry.service.js';
import { STREAMING_ADAPTER } from '../streaming.constants.js';

export type { BroadcastResult } from '../broadcast/broadcaster.service.js';
export type { EmitResult } from '../gateway/gateway-emitter.service.js';

/** A broadcast already narrowed to a room or a user; more filters can be added. */
export interface BroadcastTarget {
  /** Sends `message` to the target (and any extra filters). */
  broadcast(message: unknown, ...filters: ConnectionFilter[]): Promise<BroadcastResult>;
  /**
   * Sends the gateway event `{event, data}` to the target's gateway connections (encoded once
   * per codec) and the SSE event `event` to its SSE connections; in a room with history the
   * event carries `room` and `offset`.
   */
  emit(event: string, data: unknown, ...filters: ConnectionFilter[]): Promise<EmitResult>;
}

/**
 * The application's handle on streaming: register routes at run time, find and filter
 * connections, broadcast (locally and, with a cluster adapter, everywhere), manage rooms and
 * presence, disconnect, and read statistics. A façade: each call is served by the part of the
 * module that owns it (registrar, registry, broadcaster, cluster host, presence).
 */
@Injectable()
export class StreamingManager {
  private readonly logger = new Logger('ForgeStreaming');
  private cachedClusterStats: ClusterStats | undefined;

  constructor(
    @Inject(ConnectionRegistry) private readonly registry: ConnectionRegistry,
    @Inject(StreamingRouteRegistrar) private readonly registrar: StreamingRouteRegistrar,
    @Inject(Broadcaster) private readonly broadcaster: Broadcaster,
    @Inject(ClusterHost) private readonly cluster: ClusterHost,
    @Inject(StreamingPresence) private readonly presenceTracker: StreamingPresence,
    @Inject(STREAMING_ADAPTER) private readonly adapter: StreamingAdapter,
    @Inject(GatewayEmitter) private readonly events: GatewayEmitter,
  ) {}

  /** This instance's id (unique across the cluster). */
  get instanceId(): string {
    return this.cluster.instanceId;
  }

  /** Registers a WebSocket route at run time (same pipeline as `@WebSocketRoute`). */
  webSocket(
    path: string,
    handler: (conn: WebSocketConnection) => unknown,
    options: WebSocketRouteOptions = {},
  ): void {
    this.registrar.registerHandler('websocket', path, handler as StreamingHandler, options);
  }

  /** Registers an SSE route at run time (same pipeline as `@SseRoute`). */
  sse(path: string, handler: (ctx: SseContext) => unknown, options: SseRouteOptions = {}): void {
    this.registrar.registerHandler('sse', path, handler as StreamingHandler, options);
  }

  /** Registers a WebTransport route at run time (same pipeline as `@WebTransportRoute`). */
  webTransport(
    path: string,
    handler: (session: WebTransportSession) => unknown,
    options: WebTransportRouteOptions = {},
  ): void {
    this.registrar.registerHandler('webtransport', path, handler as StreamingHandler, options);
  }

  /** The local connection with this id; throws {@link ConnectionNotFoundError}. */
  getConnection(id: string): StreamingConnection {
    const conn = this.registry.get(id);
    if (!conn) throw new ConnectionNotFoundError(id);
    return conn;
  }

  /** The local connection with this id, or undefined. */
  findConnection(id: string): StreamingConnection | undefined {
    return this.registry.get(id);
  }

  /** Describes a connection on any instance (local first, then the cluster registry). */
  async describeConnection(id: string): Promise<ConnectionDescriptor | undefined> {
    const local = this.registry.get(id);
    if (local) return this.cluster.describe(local);
    return this.adapter.findConnection(id);
  }

  /** Local connections matching every filter. */
  connections(...filters: ConnectionFilter[]): StreamingConnection[] {
    return this.registry.select(filters);
  }

  /**
   * Sends `message` to every connection matching all `filters`, on every instance. The payload
   * is serialized and framed once per protocol. A `localPredicate` filter keeps it local.
   */
  broadcast(message: unknown, ...filters: ConnectionFilter[]): Promise<BroadcastResult> {
    return this.broadcaster.broadcast(message, filters);
  }

  /**
   * Sends the gateway event `{event, data}` to every gateway connection matching all `filters`
   * (on every instance; encoded once per codec in use) and the SSE event `event` to the matching
   * SSE connections.
   */
  emit(event: string, data: unknown, ...filters: ConnectionFilter[]): Promise<EmitResult> {
    return this.events.emit(event, data, filters);
  }

  /** Broadcasts and events narrowed to a room. */
  to(room: string): BroadcastTarget {
    return {
      broadcast: (message, ...filters) => this.broadcast(message, inRoom(room), ...filters),
      emit: (event, data, ...filters) => this.events.emitToRoom(room, event, data, filters),
    };
  }

  /** Broadcasts and events narrowed to one user's connections. */
  toUser(userId: string): BroadcastTarget {
    return {
      broadcast: (message, ...filters) => this.broadcast(message, forUser(userId), ...filters),
      emit: (event, data, ...filters) =>
        this.events.emit(event, data, [forUser(userId), ...filters]),
    };
  }

  /** Adds a connection (on any instance) to a room. */
  join(connectionId: string, room: string): Promise<boolean> {
    return this.command({ type: 'join', connectionId, room });
  }

  /** Removes a connection (on any instance) from a room. */
  leave(connectionId: string, room: string): Promise<boolean> {
    return this.command({ type: 'leave', connectionId, room });
  }

  /** Closes a connection on any instance. Resolves with whether it was found. */
  disconnect(connectionId: string, code: number = CloseCode.Normal, reason = ''): Promise<boolean> {
    return this.command({ type: 'disconnect', connectionId, code, reason });
  }

  /**
   * Sends a message to one connection on any instance (a local one directly, without the wire
   * encoding). Resolves with whether the connection was found.
   */
  async sendTo(connectionId: string, message: unknown): Promise<boolean> {
    const local = this.registry.get(connectionId);
    if (local) {
      local.deliver(OutboundMessage.from(message));
      return true;
    }
    if (!this.adapter.distributed) return false;
    return this.adapter.command({
      type: 'send',
      connectionId,
      message: OutboundMessage.from(message).toWire(),
    });
  }

  private async command(command: ConnectionCommand): Promise<boolean> {
    if (this.cluster.applyLocal(command)) return true;
    if (!this.adapter.distributed) return false;
    return this.adapter.command(command);
  }

  /** Members of a room on every instance. */
  presence(room: string): Promise<PresenceMember[]> {
    return this.presenceTracker.members(room);
  }

  /** Room joins and leaves, local and (with a cluster adapter) remote. */
  get presence$(): Observable<PresenceEvent> {
    return this.presenceTracker.events$;
  }

  /** Statistics of this instance, with the last known cluster figures. */
  getStats(): StreamingStats {
    const snapshot = this.cluster.localStats();
    if (this.cachedClusterStats) snapshot.cluster = this.cachedClusterStats;
    return snapshot;
  }

  /** Statistics with fresh cluster-wide figures (asks the adapter). */
  async getClusterStats(): Promise<StreamingStats> {
    try {
      this.cachedClusterStats = await this.adapter.clusterStats();
    } catch (error) {
      this.logger.warn(`Cluster statistics unavailable: ${(error as Error).message}`);
    }
    return this.getStats();
  }

  /** Health of the adapter's backend. */
  health(): AdapterHealth {
    return this.adapter.health();
  }
}
