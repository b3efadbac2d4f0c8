import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AdmissionControl } from '../../context/admission-control.js';
import {
  closeFromError,
  isExpectedError,
  refusal,
  refusalFromError,
  type HandshakeRefusal,
} from '../../context/error-mapping.js';
import {
  handshakeRequestFromIncoming,
  headerValue,
  parseRequestTarget,
} from '../../context/handshake-request.factory.js';
import { isOriginAllowed } from '../../context/origin-check.js';
import { StreamingHandshake } from '../../context/streaming-handshake.js';
import { ConnectionRegistry } from '../../core/connection-registry.js';
import { StreamingStatsCollector } from '../../core/streaming-stats.collector.js';
import { CloseCode } from '../../errors/close-codes.js';
import type { HandshakeRequest } from '../../interfaces/connection.interface.js';
import type { WebSocketRouteOptions } from '../../interfaces/route-options.interface.js';
import type { ResolvedStreamingConfig } from '../../interfaces/streaming-config.interface.js';
import type {
  StreamingTransport,
  TransportStartContext,
} from '../../interfaces/streaming-transport.interface.js';
import type { RouteDefinition } from '../../routing/route-definition.js';
import { RouteTable } from '../../routing/route-table.js';
import { STREAMING_RESOLVED_CONFIG } from '../../streaming.constants.js';
import { writeRawRefusal } from '../raw-http-response.js';
import { isInternalListener } from '../headers-timeout.js';
import { WebSocketConnectionImpl } from './web-socket.connection.js';
import { selectSubprotocol } from './subprotocol.js';

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * Serves WebSocket routes on the Nest HTTP server (Express or Fastify): routes upgrades by path,
 * refuses with real HTTP statuses before the upgrade (origin 403, limit 503, guards 401/403,
 * rate 429), and upgrades with `ws` once the pipeline accepts.
 */
@Injectable()
export class WebSocketTransport implements StreamingTransport {
  readonly protocol = 'websocket' as const;
  private readonly logger = new Logger('ForgeStreaming');
  private readonly servers = new Map<string, WebSocketServer>();
  private readonly routeOfRequest = new WeakMap<IncomingMessage, RouteDefinition>();
  private readonly connections = new Set<WebSocketConnectionImpl>();
  private httpServer: Server | undefined;
  private accepting = false;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.handleUpgrade(req, socket, head);

  constructor(
    @Inject(STREAMING_RESOLVED_CONFIG) private readonly config: ResolvedStreamingConfig,
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Inject(ConnectionRegistry) private readonly registry: ConnectionRegistry,
    @Inject(AdmissionControl) private readonly admission: AdmissionControl,
    @Inject(StreamingStatsCollector) private readonly stats: StreamingStatsCollector,
  ) {}

  start(context: TransportStartContext): Promise<void> {
    if (!this.config.websocket.enabled) return Promise.resolve();
    if (!context.httpServer) {
      if (this.routes.has('websocket')) {
        this.logger.warn('WebSocket routes are declared but the application has no HTTP server');
      }
      return Promise.resolve();
    }
    this.httpServer = context.httpServer;
    this.httpServer.on('upgrade', this.onUpgrade);
    this.accepting = true;
    return Promise.resolve();
  }

  async shutdown(deadline: number): Promise<void> {
    this.accepting = false;
    this.httpServer?.off('upgrade', this.onUpgrade);
    const open = [...this.connections];
    for (const conn of open) conn.close(CloseCode.GoingAway, 'Server shutting down');
    const remaining = Math.max(0, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(open.map((conn) => conn.closed)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining))),
    ]);
    clearTimeout(timer);
    for (const conn of this.connections) conn.terminate();
    for (const server of this.servers.values()) server.close();
    this.servers.clear();
  }

  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { path } = parseRequestTarget(req.url ?? '/');
    const match = this.routes.match('websocket', path);
    if (!match) {
      if (this.otherUpgradeHandlers() > 0) return;
      this.refuse(socket, refusal(404, `Cannot upgrade ${path}: no WebSocket route`, 'not-found'));
      return;
    }
    socket.on('error', () => socket.destroy());
    const { route, params } = match;
    const options = route.options as WebSocketRouteOptions;
    const settings = this.config.websocket;
    if (!this.accepting) {
      this.refuse(socket, refusal(503, 'Server is shutting down', 'limit'));
      return;
    }
    const invalid = this.validateHandshake(req);
    if (invalid) {
      this.refuse(socket, refusal(400, invalid, 'error'));
      return;
    }
    const originPolicy = options.checkOrigin ?? settings.checkOrigin;
    if (
      !isOriginAllowed(originPolicy, headerValue(req.headers, 'origin'), req.headers.host, path)
    ) {
      this.refuse(socket, refusal(403, 'Origin not allowed', 'origin'));
      return;
    }
    const release = this.admission.tryAdmit(
      'websocket',
      route.path,
      settings.maxConnections,
      options.maxConnections,
    );
    if (!release) {
      this.refuse(socket, refusal(503, 'Too many WebSocket connections', 'limit'));
      return;
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      release();
      this.refuse(socket, refusal(408, 'WebSocket handshake timed out', 'timeout'));
    }, settings.handshakeTimeout);
    timer.unref();
    const request = handshakeRequestFromIncoming(req, params);
    const handshake = new StreamingHandshake('websocket', route, params, (attempt) =>
      this.accept(req, socket, head, route, request, attempt.values, () => {
        clearTimeout(timer);
        release();
        return timedOut;
      }),
    );
    route.invoke(request, handshake).then(
      () => this.settle(handshake, socket, undefined, timer, release),
      (error: unknown) => this.settle(handshake, socket, error, timer, release),
    );
  }

  private settle(
    handshake: StreamingHandshake,
    socket: Duplex,
    error: unknown,
    timer: NodeJS.Timeout,
    release: () => void,
  ): void {
    clearTimeout(timer);
    release();
    const conn = handshake.connection;
    if (!conn) {
      if (!socket.destroyed)
        this.refuse(
          socket,
          error === undefined ? refusal(403, 'Forbidden') : refusalFromError(error),
        );
      return;
    }
    const failure = error ?? handshake.failure;
    if (failure === undefined) return;
    if (!isExpectedError(failure)) this.stats.errors += 1;
    if (!conn.isClosed) {
      const { code, reason } = closeFromError(failure);
      conn.close(code, reason);
    }
  }

  private accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    route: RouteDefinition,
    request: HandshakeRequest,
    values: ReadonlyMap<string, unknown>,
    onAccepting: () => boolean,
  ): Promise<WebSocketConnectionImpl> {
    return new Promise((resolve, reject) => {
      if (onAccepting() || socket.destroyed) {
        reject(new Error('The client went away during the handshake'));
        return;
      }
      const onGone = () => reject(new Error('The client went away during the handshake'));
      socket.once('close', onGone);
      const options = route.options as WebSocketRouteOptions;
      const server = this.serverFor(options);
      this.routeOfRequest.set(req, route);
      server.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        socket.off('close', onGone);
        const settings = this.config.websocket;
        const conn = new WebSocketConnectionImpl(
          ws,
          {
            protocol: 'websocket',
            route: route.path,
            request,
            values,
            stats: this.stats,
            bufferLimit: options.writeBufferSize ?? settings.writeBufferSize,
            slowConsumer: options.slowConsumer ?? this.config.slowConsumer,
            batching: options.batching,
          },
          {
            readBufferSize: settings.readBufferSize,
            pingPeriod: settings.pingPeriod,
            pongWait: settings.pongWait,
            messageRateLimit: options.messageRateLimit,
          },
        );
        this.connections.add(conn);
        void conn.closed.then(() => this.connections.delete(conn));
        resolve(conn);
      });
    });
  }

  private serverFor(options: WebSocketRouteOptions): WebSocketServer {
    const maxPayload = options.maxMessageSize ?? this.config.websocket.maxMessageSize;
    const key = String(maxPayload);
    let server = this.servers.get(key);
    if (!server) {
      server = new WebSocketServer({
        noServer: true,
        clientTracking: false,
        maxPayload,
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

  /** Upgrade listeners that are not this transport's nor the library's bookkeeping. */
  private otherUpgradeHandlers(): number {
    const listeners = this.httpServer?.listeners('upgrade') ?? [];
    return listeners.filter(
      (listener) => listener !== this.onUpgrade && !isInternalListener(listener),
    ).length;
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

  private refuse(socket: Duplex, answer: HandshakeRefusal): void {
    this.stats.rejected(answer.reason);
    writeRawRefusal(socket, answer);
  }
}
