import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HandshakeAbandonedError } from '../../errors/handshake-abandoned.error.js';
import type { HandshakeResponder } from '../../handshake/handshake-attempt.interface.js';
import { HandshakeGate } from '../../handshake/handshake-gate.service.js';
import {
  handshakeRequestFromIncoming,
  headerValue,
  pathOfTarget,
  WEBSOCKET_UPGRADE_HEADERS,
} from '../../handshake/handshake-request.js';
import type { HandshakeRefusal } from '../../handshake/refusal.js';
import type { RouteDefinition } from '../../handshake/route-definition.js';
import type { HandshakeRequest } from '../../interfaces/connection.interface.js';
import type { WebSocketRouteOptions } from '../../interfaces/route-options.interface.js';
import type { ResolvedStreamingConfig } from '../../interfaces/streaming-config.interface.js';
import { RouteTable } from '../../routing/route-table.service.js';
import { StreamingStatsCollector } from '../../stats/streaming-stats-collector.service.js';
import { STREAMING_RESOLVED_CONFIG } from '../../streaming.constants.js';
import { selectSubprotocol } from '../../wire/subprotocols.js';
import { BaseTransport } from '../base.transport.js';
import { afterResponse, pendingResponseOf } from '../http/pending-response.js';
import { writeRawRefusal } from '../http/raw-http-response.js';
import { ServerListenerTakeover } from '../http/server-listener-takeover.js';
import { whenServerCloses } from '../http/when-server-closes.js';
import type { TransportStartContext } from '../streaming-transport.interface.js';
import { ForgeWebSocket } from './forge-web-socket.js';
import { fragmentsFor } from './fragment-limit.js';
import { HeartbeatScheduler } from './heartbeat-scheduler.js';
import {
  WebSocketConnectionImpl,
  type WebSocketConnectionLimits,
} from './web-socket.connection.js';

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * Serves WebSocket routes on the Nest HTTP server (Express or Fastify): routes upgrades by path,
 * refuses with real HTTP statuses before the upgrade (origin 403, limit 503, guards 401/403,
 * rate 429), and upgrades with `ws` once the pipeline accepts.
 */
@Injectable()
export class WebSocketTransport extends BaseTransport<WebSocketConnectionImpl> {
  readonly protocol = 'websocket' as const;
  private readonly servers = new Map<string, WebSocketServer>();
  private readonly routeOfRequest = new WeakMap<IncomingMessage, RouteDefinition>();
  /** Per-route connection limits, shared by every connection of the route. */
  private readonly limitsOfRoute = new WeakMap<RouteDefinition, WebSocketConnectionLimits>();
  private httpServer: Server | undefined;
  private readonly heartbeat: HeartbeatScheduler | undefined;
  private takeover: ServerListenerTakeover<[IncomingMessage, Duplex, Buffer]> | undefined;

  constructor(
    @Inject(STREAMING_RESOLVED_CONFIG) config: ResolvedStreamingConfig,
    @Inject(RouteTable) routes: RouteTable,
    @Inject(HandshakeGate) gate: HandshakeGate,
    @Inject(StreamingStatsCollector) stats: StreamingStatsCollector,
  ) {
    super(config, routes, gate, stats);
    const { pingPeriod, pongWait } = config.websocket;
    this.heartbeat =
      pingPeriod > 0 ? new HeartbeatScheduler(pingPeriod, pongWait, this.connections) : undefined;
  }

  protected get enabled(): boolean {
    return this.config.websocket.enabled;
  }

  protected get disabledNote(): string {
    return this.config.websocket.enabled
      ? 'WebSocket routes are declared but the application has no HTTP server'
      : 'WebSocket routes are declared but websocket.enabled is false: they are not served';
  }

  protected listen(context: TransportStartContext): Promise<boolean> {
    if (!context.httpServer) return Promise.resolve(false);
    this.httpServer = context.httpServer;
    this.takeover?.uninstall();
    this.takeover = new ServerListenerTakeover<[IncomingMessage, Duplex, Buffer]>(
      context.httpServer,
      'upgrade',
      (req, socket, head) => this.handleUpgrade(req, socket, head),
    );
    this.takeover.install();
    this.heartbeat?.start();
    return Promise.resolve(true);
  }

  protected release(): void {
    // The dispatcher stays until the HTTP server has closed: late upgrades get 503.
    const takeover = this.takeover;
    if (takeover) whenServerCloses(this.httpServer, () => takeover.uninstall());
    this.heartbeat?.stop();
    for (const server of this.servers.values()) server.close();
    this.servers.clear();
  }

  protected terminate(conn: WebSocketConnectionImpl): void {
    conn.terminate();
  }

  /** Serves the upgrade when its path is a WebSocket route (or no other handler can); else false. */
  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = pathOfTarget(req.url ?? '/');
    const match = this.routes.match('websocket', path);
    const responder = rawSocketResponder(socket);
    if (!match) {
      if (this.otherUpgradeHandlers() > 0) return false;
      this.refuseUnrouted(responder, `Cannot upgrade ${path}: no WebSocket route`);
      return true;
    }
    socket.on('error', destroyOnError);
    const pending = pendingResponseOf(socket);
    if (pending) {
      // Answered after the earlier response, in order: never a 101 ahead of it.
      afterResponse(pending, () =>
        this.refuseMalformed(responder, 'An upgrade must not be pipelined after another request'),
      );
      return true;
    }
    if (!this.admits(responder)) return true;
    const invalid = this.validateHandshake(req);
    if (invalid) {
      this.refuseMalformed(responder, invalid);
      return true;
    }
    const request = handshakeRequestFromIncoming(req, match.params, WEBSOCKET_UPGRADE_HEADERS);
    this.gate.run({
      protocol: 'websocket',
      match,
      request,
      origin: headerValue(req.headers, 'origin'),
      host: req.headers.host,
      settings: this.config.websocket,
      timeoutMs: this.config.websocket.handshakeTimeout,
      responder,
      accept: (values) => this.accept(req, socket, head, match.route, request, values),
    });
    return true;
  }

  private accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    route: RouteDefinition,
    request: HandshakeRequest,
    values: Map<string, unknown>,
  ): Promise<WebSocketConnectionImpl> {
    return new Promise((resolve, reject) => {
      if (socket.destroyed) {
        reject(new HandshakeAbandonedError());
        return;
      }
      const onGone = () => reject(new HandshakeAbandonedError());
      socket.once('close', onGone);
      const options = route.options as WebSocketRouteOptions;
      const server = this.serverFor(options);
      this.routeOfRequest.set(req, route);
      server.handleUpgrade(req, socket, head, (upgraded) => {
        const ws = upgraded as ForgeWebSocket;
        socket.off('close', onGone);
        // From here `ws` handles socket errors.
        socket.off('error', destroyOnError);
        const bufferLimit = options.writeBufferSize ?? this.config.websocket.writeBufferSize;
        const conn = new WebSocketConnectionImpl(
          ws,
          this.connectionInit(route, request, values, bufferLimit),
          this.limitsFor(route),
        );
        resolve(this.track(conn));
      });
    });
  }

  private limitsFor(route: RouteDefinition): WebSocketConnectionLimits {
    let limits = this.limitsOfRoute.get(route);
    if (!limits) {
      const settings = this.config.websocket;
      limits = {
        readBufferSize: settings.readBufferSize,
        heartbeat: this.heartbeat,
        messageRateLimit: (route.options as WebSocketRouteOptions).messageRateLimit,
      };
      this.limitsOfRoute.set(route, limits);
    }
    return limits;
  }

  private serverFor(options: WebSocketRouteOptions): WebSocketServer {
    const maxPayload = options.maxMessageSize ?? this.config.websocket.maxMessageSize;
    const maxFragments =
      options.maxFragments ?? this.config.websocket.maxFragments ?? fragmentsFor(maxPayload);
    const key = `${maxPayload}/${maxFragments}`;
    let server = this.servers.get(key);
    if (!server) {
      server = new WebSocketServer({
        noServer: true,
        clientTracking: false,
        WebSocket: ForgeWebSocket,
        maxPayload,
        maxFragments,
        perMessageDeflate: this.config.websocket.perMessageDeflate
          ? { threshold: 1024, concurrencyLimit: 10 }
          : false,
        handleProtocols: (offered, req) => {
          const route = this.routeOfRequest.get(req);
          const wanted = (route?.options as WebSocketRouteOptions | undefined)?.subprotocols;
          return selectSubprotocol(offered, wanted);
        },
      });
      this.servers.set(key, server);
    }
    return server;
  }

  /** Upgrade handlers besides this transport (a Nest gateway adapter, socket.io …). */
  private otherUpgradeHandlers(): number {
    const later = (this.httpServer?.listeners('upgrade') ?? []).filter(
      (listener) => !this.takeover?.owns(listener),
    ).length;
    return (this.takeover?.passOnCount ?? 0) + later;
  }

  private validateHandshake(req: IncomingMessage): string | undefined {
    if (req.method !== 'GET') return 'WebSocket handshakes must use GET';
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
      return 'Missing or invalid Upgrade header';
    const key = headerValue(req.headers, 'sec-websocket-key');
    if (!key || !WEBSOCKET_KEY.test(key.trim()))
      return 'Missing or invalid Sec-WebSocket-Key header';
    const version = headerValue(req.headers, 'sec-websocket-version');
    if (version !== '13' && version !== '8')
      return 'Missing or invalid Sec-WebSocket-Version header';
    return undefined;
  }
}

/** Answers refusals on the raw socket (built apart so it captures the socket alone). */
function rawSocketResponder(socket: Duplex): HandshakeResponder {
  return { refuse: (answer: HandshakeRefusal) => writeRawRefusal(socket, answer) };
}

/** Socket error listener during the handshake (a plain function: it must not retain the request). */
function destroyOnError(this: Duplex): void {
  this.destroy();
}
