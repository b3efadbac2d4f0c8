import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { validateRouteOptions } from '../config/resolve-config.js';
import type { BaseConnection } from '../connection/base.connection.js';
import type { GatewayProtocol, StreamingGatewayOptions } from '../decorators/gateway-metadata.js';
import { InvalidRouteError } from '../errors/invalid-route.error.js';
import { RoutePipelineFactory } from '../handshake/route-pipeline.service.js';
import type { StreamingConnection } from '../interfaces/connection.interface.js';
import type { ReservedEventsHandler } from '../interfaces/gateway-protocol.interface.js';
import type {
  WebSocketRouteOptions,
  WebTransportRouteOptions,
} from '../interfaces/route-options.interface.js';
import { joinPaths } from '../routing/route-paths.js';
import { RouteTable } from '../routing/route-table.service.js';
import { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';
import { STREAMING_RESERVED_EVENTS_HANDLER } from '../streaming.constants.js';
import { JSON_SUBPROTOCOL, MSGPACK_SUBPROTOCOL } from '../wire/envelope.js';
import { selectCodec } from './codec-selection.js';
import type { CompiledGateway, GatewayLimits } from './compiled-gateway.js';
import { GatewayExplorer, type DiscoveredGateway } from './gateway.explorer.js';
import { GatewaySession } from './gateway-session.js';
import { MessageHandlerCompiler } from './message-handler.compiler.js';

const DEFAULT_LIMITS: GatewayLimits = {
  maxBadMessages: 20,
  badMessageWindowMs: 10_000,
  maxPendingReplies: 64,
};

function limitsOf(options: StreamingGatewayOptions): GatewayLimits {
  return {
    maxBadMessages: options.maxBadMessages ?? DEFAULT_LIMITS.maxBadMessages,
    badMessageWindowMs: options.badMessageWindowMs ?? DEFAULT_LIMITS.badMessageWindowMs,
    maxPendingReplies: options.maxPendingReplies ?? DEFAULT_LIMITS.maxPendingReplies,
  };
}

/** The route options of one protocol, from a gateway's options. */
function routeOptions(
  protocol: GatewayProtocol,
  options: StreamingGatewayOptions,
): WebSocketRouteOptions | WebTransportRouteOptions {
  const {
    protocols: _protocols,
    maxBadMessages: _maxBad,
    badMessageWindowMs: _window,
    maxPendingReplies: _pending,
    emits: _emits,
    ...route
  } = options;
  if (protocol === 'webtransport') {
    const {
      maxMessageSize: _max,
      messageRateLimit: _rate,
      subprotocols: _sub,
      writeBufferSize: _w,
      ...wt
    } = route;
    return wt;
  }
  const offered = route.subprotocols ?? [];
  return { ...route, subprotocols: [...offered, JSON_SUBPROTOCOL, MSGPACK_SUBPROTOCOL] };
}

/**
 * Serves every `@StreamingGateway`: one route per path and protocol through the same handshake
 * pipeline as `@WebSocketRoute` (class-level guards at the handshake), whose handler opens a
 * {@link GatewaySession} on the connection. The handlers' per-message pipelines are compiled
 * once, at the gateway's first connection.
 */
@Injectable()
export class GatewayRegistrar implements OnModuleInit {
  private readonly logger = new Logger('ForgeStreaming');

  constructor(
    @Inject(GatewayExplorer) private readonly explorer: GatewayExplorer,
    @Inject(MessageHandlerCompiler) private readonly compiler: MessageHandlerCompiler,
    @Inject(RoutePipelineFactory) private readonly pipelines: RoutePipelineFactory,
    @Inject(RouteTable) private readonly routes: RouteTable,
    @Optional()
    @Inject(STREAMING_RESERVED_EVENTS_HANDLER)
    private readonly reserved: ReservedEventsHandler | undefined,
    @Optional()
    @Inject(StreamingStatsCollector)
    private readonly stats: StreamingStatsCollector | undefined,
  ) {}

  onModuleInit(): void {
    for (const found of this.explorer.explore()) this.register(found);
  }

  private register(found: DiscoveredGateway): void {
    const name = found.instance.constructor.name;
    const path = joinPaths(found.metadata.path);
    const options = found.metadata.options;
    const events = new Set<string>();
    for (const entry of found.handlers) {
      if (entry.kind !== 'message' || entry.event === undefined) continue;
      if (entry.event.startsWith('$')) {
        throw new InvalidRouteError(
          `${name}.${entry.methodName}: event names starting with "$" are reserved (${entry.event})`,
        );
      }
      if (events.has(entry.event)) {
        throw new InvalidRouteError(`${name}: event "${entry.event}" is handled twice`);
      }
      events.add(entry.event);
    }
    let compiled: CompiledGateway | undefined;
    const gateway = (): CompiledGateway => (compiled ??= this.compile(found));
    const handler = (conn: StreamingConnection): void | Promise<void> => {
      const base = conn as BaseConnection;
      return new GatewaySession(
        base,
        selectCodec(base),
        gateway(),
        this.reserved,
        this.logger,
        this.stats,
      ).start();
    };
    for (const protocol of options.protocols ?? ['websocket']) {
      const source = `${name} (${protocol} gateway)`;
      const route = routeOptions(protocol, options);
      validateRouteOptions(source, route);
      this.routes.add(
        this.pipelines.forHost(found.instance, found.moduleKey, handler, {
          protocol,
          path,
          options: route,
          source,
        }),
      );
    }
  }

  private compile(found: DiscoveredGateway): CompiledGateway {
    const handlers = new Map<string, ReturnType<MessageHandlerCompiler['compile']>>();
    const onConnect: CompiledGateway['onConnect'][number][] = [];
    const onDisconnect: CompiledGateway['onDisconnect'][number][] = [];
    for (const entry of found.handlers) {
      if (entry.kind === 'message' && entry.event !== undefined) {
        handlers.set(
          entry.event,
          this.compiler.compile(found.instance, entry.methodName, found.moduleKey),
        );
      } else if (entry.kind === 'connect') {
        onConnect.push(
          this.compiler.compileLifecycle(found.instance, entry.methodName, found.moduleKey),
        );
      } else if (entry.kind === 'disconnect') {
        onDisconnect.push(
          this.compiler.compileLifecycle(found.instance, entry.methodName, found.moduleKey),
        );
      }
    }
    return {
      name: found.instance.constructor.name,
      handlers,
      onConnect,
      onDisconnect,
      limits: limitsOf(found.metadata.options),
    };
  }
}
