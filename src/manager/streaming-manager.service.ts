import { Inject, Injectable, Logger, type CanActivate, type NestInterceptor } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { Subject, type Observable } from 'rxjs';
import { validateRouteOptions } from '../config/resolve-config.js';
import type { StreamingHandler } from '../handshake/connection-runner.service.js';
import { StreamingContextCreator } from '../handshake/route-pipeline.service.js';
import { CloseCode } from '../errors/close-codes.js';
import { ConnectionNotFoundError } from '../errors/connection-not-found.error.js';
import type { ConnectionFilter } from '../interfaces/connection-filter.interface.js';
import type {
  SseContext,
  StreamingConnection,
  StreamingProtocol,
  WebSocketConnection,
  WebTransportSession,
} from '../interfaces/connection.interface.js';
import type {
  SseRouteOptions,
  StreamingRouteOptions,
  WebSocketRouteOptions,
  WebTransportRouteOptions,
} from '../interfaces/route-options.interface.js';
import type {
  BroadcastEnvelope,
  ConnectionCommand,
  ConnectionDescriptor,
  PresenceEvent,
  PresenceMember,
  StreamingAdapter,
} from '../interfaces/streaming-adapter.interface.js';
import type { ClusterStats, StreamingStats } from '../interfaces/streaming-stats.interface.js';
import { RouteTable, joinPaths } from '../routing/route-table.service.js';
import { STREAMING_ADAPTER } from '../streaming.constants.js';
import type { BaseConnection } from '../connection/base.connection.js';
import { BroadcastHooks } from './broadcast-hooks.service.js';
import { forUser, inRoom, isLocalOnly } from '../registry/connection-filters.js';
import { ConnectionRegistry } from '../registry/connection-registry.service.js';
import { OutboundMessage } from '../connection/outbound-message.js';
import { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';

/** What a broadcast reached. */
export interface BroadcastResult {
  /** Broadcast id (the same on every instance). */
  readonly id: string;
  /** Local connections that accepted the message. */
  readonly delivered: number;
  /** Local connections that matched but dropped it (slow consumers, closing). */
  readonly dropped: number;
  /** Whether it was also published to other instances. */
  readonly published: boolean;
}

/** A broadcast already narrowed to a room or a user; more filters can be added. */
export interface BroadcastTarget {
  /** Sends `message` to the target (and any extra filters). */
  broadcast(message: unknown, ...filters: ConnectionFilter[]): Promise<BroadcastResult>;
}

type Type<T> = abstract new (...args: never[]) => T;
type Enhancer<T> = T | Type<T>;

/**
 * The application's handle on streaming: register routes at run time, find and filter
 * connections, broadcast (locally and, with a cluster adapter, everywhere), manage rooms and
 * presence, disconnect, and read statistics.
 */
@Injectable()
export class StreamingManager {
  /** This instance's id. */
  readonly instanceId: string = randomUUID();
  private readonly logger = new Logger('ForgeStreaming');
  private readonly presenceSubject = new Subject<PresenceEvent>();
  private cachedClusterStats: ClusterStats | undefined;

  constructor(
    @Inject(ConnectionRegistry) private readonly registry: ConnectionRegistry,
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Inject(StreamingContextCreator) private readonly contextCreator: StreamingContextCreator,
    @Inject(StreamingStatsCollector) private readonly stats: StreamingStatsCollector,
    @Inject(STREAMING_ADAPTER) private readonly adapter: StreamingAdapter,
    @Inject(BroadcastHooks) private readonly broadcastHooks: BroadcastHooks,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {
    this.registry.listen({
      opened: (conn) => this.syncDescriptor(conn),
      changed: (conn) => this.syncDescriptor(conn),
      closed: (conn) => {
        this.stats.connectionsClosed += 1;
        if (this.adapter.distributed) this.adapter.connectionClosed(this.describe(conn));
      },
      roomChanged: (conn, room, type) => {
        this.presenceSubject.next({
          type,
          room,
          member: { connectionId: conn.id, userId: conn.userId, instanceId: this.instanceId },
        });
        if (type === 'join' || !conn.isClosed) this.syncDescriptor(conn);
      },
    });
  }

  /** Registers a WebSocket route at run time (same pipeline as `@WebSocketRoute`). */
  webSocket(
    path: string,
    handler: (conn: WebSocketConnection) => unknown,
    options: WebSocketRouteOptions = {},
  ): void {
    this.register('websocket', path, handler as StreamingHandler, options);
  }

  /** Registers an SSE route at run time (same pipeline as `@SseRoute`). */
  sse(path: string, handler: (ctx: SseContext) => unknown, options: SseRouteOptions = {}): void {
    this.register('sse', path, handler as StreamingHandler, options);
  }

  /** Registers a WebTransport route at run time (same pipeline as `@WebTransportRoute`). */
  webTransport(
    path: string,
    handler: (session: WebTransportSession) => unknown,
    options: WebTransportRouteOptions = {},
  ): void {
    this.register('webtransport', path, handler as StreamingHandler, options);
  }

  private register(
    protocol: StreamingProtocol,
    rawPath: string,
    handler: StreamingHandler,
    options: StreamingRouteOptions,
  ): void {
    const path = joinPaths(rawPath);
    validateRouteOptions(`StreamingManager.${protocol}(${path})`, options);
    const route = this.contextCreator.forHandler(handler, protocol, path, options, {
      guards: (options.guards ?? []).map((guard) => this.resolveEnhancer<CanActivate>(guard)),
      interceptors: (options.interceptors ?? []).map((interceptor) =>
        this.resolveEnhancer<NestInterceptor>(interceptor),
      ),
    });
    this.routes.add(route);
  }

  private resolveEnhancer<T extends object>(enhancer: Enhancer<T>): T {
    if (typeof enhancer !== 'function') return enhancer;
    try {
      return this.moduleRef.get(enhancer as Type<T>, { strict: false });
    } catch {
      const Ctor = enhancer as unknown as new () => T;
      return new Ctor();
    }
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
    if (local) return this.describe(local);
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
  async broadcast(message: unknown, ...filters: ConnectionFilter[]): Promise<BroadcastResult> {
    const outbound = OutboundMessage.from(message);
    this.stats.broadcasts += 1;
    const prepared = await this.broadcastHooks.prepare(outbound, filters);
    const sseIds = prepared.sseIds;
    const id = randomUUID();
    let outcome: { delivered: number; dropped: number };
    try {
      outcome = this.deliver(outbound, filters, sseIds);
    } finally {
      prepared.delivered();
    }
    const { delivered, dropped } = outcome;
    const localOnly = !this.adapter.distributed || filters.some(isLocalOnly);
    if (!localOnly) {
      const envelope: BroadcastEnvelope = {
        id,
        origin: this.instanceId,
        message: outbound.toWire(),
        filters,
        sseIds,
      };
      await this.adapter.publish(envelope);
    }
    return { id, delivered, dropped, published: !localOnly };
  }

  /** Broadcasts narrowed to a room. */
  to(room: string): BroadcastTarget {
    return {
      broadcast: (message, ...filters) => this.broadcast(message, inRoom(room), ...filters),
    };
  }

  /** Broadcasts narrowed to one user's connections. */
  toUser(userId: string): BroadcastTarget {
    return {
      broadcast: (message, ...filters) => this.broadcast(message, forUser(userId), ...filters),
    };
  }

  /** Delivers a broadcast that another instance published. */
  deliverRemote(envelope: BroadcastEnvelope): number {
    return this.deliver(
      OutboundMessage.fromWire(envelope.message),
      envelope.filters,
      envelope.sseIds,
    ).delivered;
  }

  private deliver(
    message: OutboundMessage,
    filters: readonly ConnectionFilter[],
    sseIds: Readonly<Record<string, string>> | undefined,
  ): { delivered: number; dropped: number } {
    let delivered = 0;
    let dropped = 0;
    const context = sseIds ? { sseIds } : undefined;
    for (const conn of this.registry.select(filters)) {
      if (conn.deliver(message, context)) delivered += 1;
      else dropped += 1;
    }
    return { delivered, dropped };
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
    if (this.applyLocal(command)) return true;
    if (!this.adapter.distributed) return false;
    return this.adapter.command(command);
  }

  /** Applies a command to a local connection; false when it is not local. */
  applyLocal(command: ConnectionCommand): boolean {
    const conn = this.registry.get(command.connectionId);
    if (!conn) return false;
    switch (command.type) {
      case 'join':
        conn.join(command.room);
        break;
      case 'leave':
        conn.leave(command.room);
        break;
      case 'disconnect':
        conn.close(command.code, command.reason);
        break;
      case 'send':
        conn.deliver(OutboundMessage.fromWire(command.message));
        break;
    }
    return true;
  }

  /** Members of a room on every instance. */
  async presence(room: string): Promise<PresenceMember[]> {
    if (this.adapter.distributed) return this.adapter.roomMembers(room);
    return [...this.registry.roomMembers(room)].map((conn) => ({
      connectionId: conn.id,
      userId: conn.userId,
      instanceId: this.instanceId,
    }));
  }

  /** Room joins and leaves, local and (with a cluster adapter) remote. */
  get presence$(): Observable<PresenceEvent> {
    return this.presenceSubject.asObservable();
  }

  /** Reports a presence change from another instance. */
  emitPresence(event: PresenceEvent): void {
    this.presenceSubject.next(event);
  }

  /** Statistics of this instance, with the last known cluster figures. */
  getStats(): StreamingStats {
    const snapshot = this.stats.snapshot(
      this.instanceId,
      this.registry.countByProtocol(),
      this.registry.countByRoute(),
    );
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
  health(): ReturnType<StreamingAdapter['health']> {
    return this.adapter.health();
  }

  /** Local connection descriptors (for the cluster registry). */
  localDescriptors(): ConnectionDescriptor[] {
    return [...this.registry.all()].map((conn) => this.describe(conn));
  }

  private syncDescriptor(conn: BaseConnection): void {
    if (this.adapter.distributed && !conn.isClosed)
      this.adapter.connectionUpdated(this.describe(conn));
  }

  private describe(conn: BaseConnection): ConnectionDescriptor {
    return {
      id: conn.id,
      instanceId: this.instanceId,
      protocol: conn.protocol,
      route: conn.route,
      userId: conn.userId,
      rooms: [...conn.rooms],
      meta: conn.primitiveValues(),
      remoteAddr: conn.remoteAddr,
      openedAt: conn.openedAt,
    };
  }
}
