import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { InMemoryStreamingAdapter } from './adapters/in-memory/in-memory-streaming.adapter.js';
import { BroadcastHooks } from './broadcast/broadcast-hooks.service.js';
import { Broadcaster } from './broadcast/broadcaster.service.js';
import { ClusterHost } from './cluster/cluster-host.service.js';
import { StreamingPresence } from './cluster/presence.service.js';
import { resolveStreamingConfig } from './config/resolve-config.js';
import { StreamingMetadataAccessor } from './discovery/streaming-metadata.accessor.js';
import { StreamingRouteRegistrar } from './discovery/streaming-route.registrar.js';
import { RestRoutesExplorer } from './discovery/rest-routes.explorer.js';
import { StreamingRoutesExplorer } from './discovery/streaming-routes.explorer.js';
import { GatewayEmitter } from './gateway/gateway-emitter.service.js';
import { GatewayExplorer } from './gateway/gateway.explorer.js';
import { GatewayRegistrar } from './gateway/gateway.registrar.js';
import { MessageHandlerCompiler } from './gateway/message-handler.compiler.js';
import { StreamingJwtGuard } from './guards/streaming-jwt.guard.js';
import { StreamingRateLimitGuard } from './guards/streaming-rate-limit.guard.js';
import { AdmissionControl } from './handshake/admission-control.service.js';
import { ConnectionRunner } from './handshake/connection-runner.service.js';
import { HandshakeGate } from './handshake/handshake-gate.service.js';
import { NestEnhancers } from './handshake/nest-enhancers.service.js';
import { RoutePipelineFactory } from './handshake/route-pipeline.service.js';
import { StreamingLoggingInterceptor } from './interceptors/streaming-logging.interceptor.js';
import type {
  ResolvedStreamingConfig,
  StreamingConfig,
} from './interfaces/streaming-config.interface.js';
import { StreamingManager } from './manager/streaming-manager.service.js';
import { StreamingHealthIndicator } from './metrics/streaming-health.indicator.js';
import { StreamingMetrics } from './metrics/streaming-metrics.service.js';
import { RECOVERY_PROVIDERS } from './recovery/recovery.providers.js';
import { RoomHistoryPolicy } from './recovery/room-history-policy.service.js';
import { ConnectionRegistry } from './registry/connection-registry.service.js';
import { RestRouteIndex } from './routing/rest-route-index.js';
import { AppCors } from './transports/http/app-cors.service.js';
import { RouteTable } from './routing/route-table.service.js';
import { StreamingStatsCollector } from './stats/streaming-stats-collector.service.js';
import { StreamingLifecycle } from './streaming-lifecycle.service.js';
import {
  STREAMING_ADAPTER,
  STREAMING_INSTANCE_ID,
  STREAMING_RESERVED_EVENTS_HANDLER,
  STREAMING_RESOLVED_CONFIG,
  STREAMING_ROOM_EVENT_STAMPER,
  STREAMING_TRANSPORTS,
} from './streaming.constants.js';
import {
  ConfigurableStreamingModule,
  STREAMING_ASYNC_OPTIONS_TYPE,
  STREAMING_MODULE_OPTIONS,
  STREAMING_OPTIONS_TYPE,
} from './streaming.module-definition.js';
import { SseTransport } from './transports/sse/sse.transport.js';
import { WebSocketTransport } from './transports/web-socket/web-socket.transport.js';
import { WebTransportServerInfo } from './transports/web-transport/web-transport-server-info.service.js';
import { WebTransportTransport } from './transports/web-transport/web-transport.transport.js';

/** The providers, in the order a reader meets their layers. */
const providers: Provider[] = [
  {
    provide: STREAMING_RESOLVED_CONFIG,
    useFactory: (config: StreamingConfig | undefined) => resolveStreamingConfig(config ?? {}),
    inject: [STREAMING_MODULE_OPTIONS],
  },
  {
    provide: STREAMING_ADAPTER,
    useFactory: (config: ResolvedStreamingConfig) =>
      config.adapter ?? new InMemoryStreamingAdapter(),
    inject: [STREAMING_RESOLVED_CONFIG],
  },
  { provide: STREAMING_INSTANCE_ID, useFactory: () => randomUUID() },
  // discovery
  StreamingMetadataAccessor,
  StreamingRoutesExplorer,
  RestRoutesExplorer,
  StreamingRouteRegistrar,
  // routing and handshake
  RouteTable,
  RestRouteIndex,
  NestEnhancers,
  RoutePipelineFactory,
  ConnectionRunner,
  AdmissionControl,
  HandshakeGate,
  // registry, stats, broadcast, cluster
  StreamingStatsCollector,
  ConnectionRegistry,
  BroadcastHooks,
  Broadcaster,
  StreamingPresence,
  ClusterHost,
  // event gateways
  GatewayExplorer,
  MessageHandlerCompiler,
  GatewayRegistrar,
  GatewayEmitter,
  // room history and recovery
  ...RECOVERY_PROVIDERS,
  // the façade
  StreamingManager,
  // transports
  WebSocketTransport,
  AppCors,
  SseTransport,
  WebTransportServerInfo,
  WebTransportTransport,
  {
    provide: STREAMING_TRANSPORTS,
    useFactory: (...transports: unknown[]) => transports,
    inject: [WebSocketTransport, SseTransport, WebTransportTransport],
  },
  StreamingLifecycle,
  // metrics and health
  StreamingMetrics,
  StreamingHealthIndicator,
  // built-in enhancers
  StreamingJwtGuard,
  StreamingRateLimitGuard,
  StreamingLoggingInterceptor,
];

/**
 * Real-time endpoints for Nest: import `ForgeStreamingModule.forRoot(config)` (or `forRootAsync`)
 * once; decorate controller methods with `@WebSocketRoute`, `@SseRoute`, `@WebTransportRoute`;
 * inject `StreamingManager` anywhere. Global by default.
 */
@Module({
  imports: [DiscoveryModule],
  providers,
  exports: [
    StreamingManager,
    StreamingJwtGuard,
    StreamingRateLimitGuard,
    StreamingLoggingInterceptor,
    WebTransportServerInfo,
    STREAMING_RESOLVED_CONFIG,
    RoomHistoryPolicy,
    STREAMING_ROOM_EVENT_STAMPER,
    STREAMING_RESERVED_EVENTS_HANDLER,
    StreamingMetrics,
    StreamingHealthIndicator,
  ],
})
export class ForgeStreamingModule extends ConfigurableStreamingModule {
  /** Configures the module with a static config (every field optional). */
  static override forRoot(config: typeof STREAMING_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(config);
  }

  /** Configures the module from a factory or class resolved through DI. */
  static override forRootAsync(options: typeof STREAMING_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
