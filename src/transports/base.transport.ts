import { Logger } from '@nestjs/common';
import type { BaseConnection, ConnectionInit } from '../connection/base.connection.js';
import { CloseCode } from '../errors/close-codes.js';
import type { HandshakeResponder } from '../handshake/handshake-attempt.interface.js';
import { HandshakeGate } from '../handshake/handshake-gate.service.js';
import { refusal } from '../handshake/refusal.js';
import type { RouteDefinition } from '../handshake/route-definition.js';
import type { HandshakeRequest, StreamingProtocol } from '../interfaces/connection.interface.js';
import type { StreamingRouteOptions } from '../interfaces/route-options.interface.js';
import type { ResolvedStreamingConfig } from '../interfaces/streaming-config.interface.js';
import { RouteTable } from '../routing/route-table.service.js';
import { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';
import type { StreamingTransport, TransportStartContext } from './streaming-transport.interface.js';

/** Human names of the protocols, for messages. */
export const PROTOCOL_NAMES: Record<StreamingProtocol, string> = {
  websocket: 'WebSocket',
  sse: 'SSE',
  webtransport: 'WebTransport',
};

/**
 * What every transport shares: whether it accepts (a refusal with 503 while shutting down, so a
 * client that reconnects during the drain is answered), the set of its open connections, the
 * drain (close as "going away", terminate what is left at the deadline), the common part of a new
 * connection's settings and the refusals before any handshake (404, 400). Each protocol fills in
 * how it listens, stops and ends a connection at once.
 */
export abstract class BaseTransport<C extends BaseConnection> implements StreamingTransport {
  abstract readonly protocol: StreamingProtocol;
  protected readonly logger = new Logger('ForgeStreaming');
  /** Open connections of this transport (each leaves the set when it closes). */
  protected readonly connections = new Set<C>();
  private accepting = false;

  protected constructor(
    protected readonly config: ResolvedStreamingConfig,
    protected readonly routes: RouteTable,
    protected readonly gate: HandshakeGate,
    protected readonly stats: StreamingStatsCollector,
  ) {}

  /** Whether the protocol is enabled in the configuration. */
  protected abstract get enabled(): boolean;

  /** Why declared routes are not served when the transport is disabled or cannot listen. */
  protected abstract get disabledNote(): string;

  /** Starts listening; resolves false when there is nothing to listen on (no HTTP server). */
  protected abstract listen(context: TransportStartContext): Promise<boolean>;

  /** Releases listeners and servers (after every transport has drained). */
  protected abstract release(): Promise<void> | void;

  /** Ends one connection at once (the drain deadline passed). */
  protected abstract terminate(conn: C): void;

  /** Whether the transport accepts new connections now (started, listening, not draining). */
  get isAccepting(): boolean {
    return this.accepting;
  }

  async start(context: TransportStartContext): Promise<void> {
    if (!this.enabled || !(await this.listen(context))) {
      if (this.routes.has(this.protocol)) this.logger.warn(this.disabledNote);
      return;
    }
    this.accepting = true;
  }

  async drain(deadline: number): Promise<void> {
    this.accepting = false;
    const open = [...this.connections];
    for (const conn of open) conn.close(CloseCode.GoingAway, 'Server shutting down');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(open.map((conn) => conn.closed)),
      new Promise<void>(
        (resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))),
      ),
    ]);
    clearTimeout(timer);
    for (const conn of open) if (!conn.signal.aborted) this.terminate(conn);
  }

  async stop(): Promise<void> {
    this.accepting = false;
    await this.release();
  }

  /** Refuses with 503 while the transport is not accepting; true when the attempt may go on. */
  protected admits(responder: HandshakeResponder): boolean {
    if (this.accepting) return true;
    this.gate.refuse(responder, refusal(503, 'Server is shutting down', 'limit'));
    return false;
  }

  /** Refuses an attempt for a path with no route (404). */
  protected refuseUnrouted(responder: HandshakeResponder, message: string): void {
    this.gate.refuse(responder, refusal(404, message, 'not-found'));
  }

  /** Refuses a malformed handshake (400). */
  protected refuseMalformed(responder: HandshakeResponder, message: string): void {
    this.gate.refuse(responder, refusal(400, message, 'error'));
  }

  /** The settings every connection of `route` shares, with its own request and values. */
  protected connectionInit(
    route: RouteDefinition,
    request: HandshakeRequest,
    values: Map<string, unknown>,
    bufferLimit: number,
  ): ConnectionInit {
    const options = route.options as StreamingRouteOptions;
    return {
      protocol: this.protocol,
      route: route.path,
      request,
      values,
      stats: this.stats,
      bufferLimit,
      slowConsumer: options.slowConsumer ?? this.config.slowConsumer,
      batching: options.batching,
    };
  }

  /** Adds an accepted connection to the open set (it leaves when it closes). */
  protected track(conn: C): C {
    conn.trackIn(this.connections as Set<BaseConnection>);
    return conn;
  }
}
