import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { BroadcastHooks } from '../../broadcast/broadcast-hooks.service.js';
import { HandshakeAbandonedError } from '../../errors/handshake-abandoned.error.js';
import { HandshakeGate } from '../../handshake/handshake-gate.service.js';
import {
  handshakeRequestFromIncoming,
  headerValue,
  pathOfTarget,
} from '../../handshake/handshake-request.js';
import type { HandshakeRefusal } from '../../handshake/refusal.js';
import type { RouteDefinition } from '../../handshake/route-definition.js';
import type { HandshakeRequest } from '../../interfaces/connection.interface.js';
import type { SseRouteOptions } from '../../interfaces/route-options.interface.js';
import type { StreamingAdapter } from '../../interfaces/streaming-adapter.interface.js';
import type { ResolvedStreamingConfig } from '../../interfaces/streaming-config.interface.js';
import { RestRouteIndex } from '../../routing/rest-route-index.js';
import { RouteTable } from '../../routing/route-table.service.js';
import { StreamingStatsCollector } from '../../stats/streaming-stats-collector.service.js';
import { STREAMING_ADAPTER, STREAMING_RESOLVED_CONFIG } from '../../streaming.constants.js';
import { BaseTransport } from '../base.transport.js';
import { AppCors } from '../http/app-cors.service.js';
import { ServerListenerTakeover } from '../http/server-listener-takeover.js';
import { whenServerCloses } from '../http/when-server-closes.js';
import type { TransportStartContext } from '../streaming-transport.interface.js';
import { createSseBroadcastPreparer } from './sse-broadcast-preparer.js';
import { writeJsonRefusal } from './sse-refusal.js';
import { SseRouteOrder } from './sse-route-order.js';
import { SseConnectionImpl } from './sse.connection.js';

/**
 * Serves Server-Sent Events routes on the Nest HTTP server (Express or Fastify).
 *
 * **Requests.** A dispatcher in front of the framework (see `ServerListenerTakeover`) claims `GET`
 * requests whose path matches an SSE route; everything else reaches the framework untouched.
 * Serving below the framework means the handshake pipeline (guards, interceptors, filters) runs
 * before a single byte of the response: a refusal is a real JSON 401/403 (guards), 429 (rate
 * limit), 503 (`maxConnections`, shutdown) or 403 (origin policy), and no framework middleware
 * (compression in particular) can buffer a stream. The application's CORS settings
 * (`app.enableCors()`, see `AppCors`) are applied to the stream's head and to refusals; the
 * route's `headers` option comes on top (it is also sent on refusals).
 *
 * **Ids and history (resume without loss).** Every event has an id; the route's history lives in
 * the adapter's `SseHistoryStore`, bounded by `historySize`.
 * 1. Broadcasts (`StreamingManager.broadcast`) are recorded once per SSE route their filters
 *    could reach, with the filters as audience; a resuming client only gets those whose filters
 *    match its new connection (after guards ran), so it never sees another user's events.
 * 2. Handler events (`writeSSE`, Observable emissions, `send`) without an explicit id get the
 *    next id of the route and are recorded as private to the stream (its key is the connection
 *    id; a stream resumed from one of its own private events keeps that stream's key, for the
 *    same user only). An explicit id is written as given and not recorded: the application owns
 *    that timeline and resumes it from `ctx.lastEventId`.
 * 3. A client connecting with `Last-Event-ID` (header, or `?lastEventId=`) first gets the held
 *    events after that id, in order and once, then live events (those arriving meanwhile wait).
 *    When the events are no longer held (or the id is unknown) it gets one `stream-reset`
 *    event, data `{ "reason": "history-gap", "lastEventId": "<id>" }`, then live events.
 *    A cluster store that reports a gap in live delivery makes every open stream get a
 *    `stream-reset` event with the store's reason.
 *
 * **Errors.** A failure after the response started ends the stream with an `error` event, data
 * `{ "message": "..." }` (no internals); the process keeps serving.
 */
@Injectable()
export class SseTransport extends BaseTransport<SseConnectionImpl> {
  readonly protocol = 'sse' as const;
  private readonly orders = new Map<string, SseRouteOrder>();
  private dispatcher: ServerListenerTakeover<[IncomingMessage, ServerResponse]> | undefined;
  private stopGapListener: (() => void) | undefined;
  private httpServer: Server | undefined;

  constructor(
    @Inject(STREAMING_RESOLVED_CONFIG) config: ResolvedStreamingConfig,
    @Inject(RouteTable) routes: RouteTable,
    @Inject(HandshakeGate) gate: HandshakeGate,
    @Inject(StreamingStatsCollector) stats: StreamingStatsCollector,
    @Inject(STREAMING_ADAPTER) private readonly adapter: StreamingAdapter,
    @Inject(BroadcastHooks) broadcastHooks: BroadcastHooks,
    @Inject(RestRouteIndex) private readonly restRoutes: RestRouteIndex,
    @Inject(AppCors) private readonly cors: AppCors,
  ) {
    super(config, routes, gate, stats);
    if (config.sse.enabled) {
      broadcastHooks.add(
        createSseBroadcastPreparer({
          routes: () => this.routes.routes('sse'),
          history: () => this.adapter.history,
          orderOf: (route) => this.orderOf(route),
          historySizeOf: (route) => this.historySizeOf(route),
        }),
      );
    }
  }

  protected get enabled(): boolean {
    return this.config.sse.enabled;
  }

  protected get disabledNote(): string {
    return this.config.sse.enabled
      ? 'SSE routes are declared but the application has no HTTP server'
      : 'SSE routes are declared but sse.enabled is false: they are not served';
  }

  protected listen(context: TransportStartContext): Promise<boolean> {
    if (!context.httpServer) return Promise.resolve(false);
    this.httpServer = context.httpServer as Server;
    this.dispatcher?.uninstall();
    this.dispatcher = new ServerListenerTakeover<[IncomingMessage, ServerResponse]>(
      context.httpServer as Server,
      'request',
      (req, res) => this.claim(req, res),
    );
    this.dispatcher.install();
    this.stopGapListener = this.adapter.history.onGap?.((notice) => {
      for (const conn of this.connections) conn.resetStream(notice.reason);
    });
    return Promise.resolve(true);
  }

  protected release(): void {
    this.stopGapListener?.();
    this.stopGapListener = undefined;
    // The dispatcher stays until the HTTP server has closed: late requests get 503.
    const dispatcher = this.dispatcher;
    if (dispatcher) whenServerCloses(this.httpServer, () => dispatcher.uninstall());
  }

  protected terminate(conn: SseConnectionImpl): void {
    conn.terminate();
  }

  /**
   * Serves the request if it is a `GET` on an SSE route; false otherwise. A request that does
   * not ask for `text/event-stream` on a path a REST `GET` route also answers goes to the REST
   * route (an SSE pattern such as `/:room` never swallows `GET /health`).
   */
  private claim(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const path = pathOfTarget(req.url ?? '/');
    const match = this.routes.match('sse', path);
    if (!match) return false;
    if (!acceptsEventStream(req) && this.restRoutes.answers(path)) return false;
    if (!this.cors.enabled) this.handle(req, res, match.route, match.params);
    else
      this.cors
        .apply(req, res)
        .then(() => this.handle(req, res, match.route, match.params))
        .catch(() => res.destroy());
    return true;
  }

  private handle(
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteDefinition,
    params: Record<string, string>,
  ): void {
    const options = route.options as SseRouteOptions;
    const responder = {
      refuse: (answer: HandshakeRefusal) => writeJsonRefusal(res, answer, options.headers),
    };
    if (!this.admits(responder)) return;
    const request = handshakeRequestFromIncoming(req, params);
    this.gate.run<SseConnectionImpl>({
      protocol: 'sse',
      match: { route, params },
      request,
      origin: headerValue(req.headers, 'origin'),
      host: req.headers.host,
      settings: this.config.sse,
      responder,
      accept: (values) => this.accept(req, res, route, request, values),
      fail: (conn, code, reason) => conn.fail(code, reason),
    });
  }

  private accept(
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteDefinition,
    request: HandshakeRequest,
    values: Map<string, unknown>,
  ): Promise<SseConnectionImpl> {
    if (res.destroyed || res.writableEnded || req.socket.destroyed) {
      return Promise.reject(new HandshakeAbandonedError());
    }
    const options = route.options as SseRouteOptions;
    const settings = this.config.sse;
    const conn = new SseConnectionImpl(
      req,
      res,
      this.connectionInit(route, request, values, options.bufferSize ?? settings.bufferSize),
      {
        history: this.adapter.history,
        order: this.orderOf(route.path),
        historySize: this.historySizeOf(route),
        retryInterval: options.retryInterval ?? settings.retryInterval,
        heartbeatInterval: options.heartbeatInterval ?? settings.heartbeatInterval,
        headers: options.headers ?? {},
        lastEventId: lastEventIdOf(req, request),
      },
    );
    return Promise.resolve(this.track(conn));
  }

  private orderOf(route: string): SseRouteOrder {
    let order = this.orders.get(route);
    if (!order) {
      order = new SseRouteOrder();
      this.orders.set(route, order);
    }
    return order;
  }

  private historySizeOf(route: RouteDefinition): number {
    return (route.options as SseRouteOptions).historySize ?? this.config.sse.historySize;
  }
}

/** Whether the request's `Accept` header names `text/event-stream` (an `EventSource` does). */
function acceptsEventStream(req: IncomingMessage): boolean {
  const accept = headerValue(req.headers, 'accept');
  return accept !== undefined && accept.toLowerCase().includes('text/event-stream');
}

/** The id a client resumes from: the `Last-Event-ID` header, else `?lastEventId=`. */
function lastEventIdOf(req: IncomingMessage, request: HandshakeRequest): string | undefined {
  const header = headerValue(req.headers, 'last-event-id');
  if (header !== undefined && header !== '') return header;
  const query = request.query.lastEventId;
  return query === undefined || query === '' ? undefined : query;
}
