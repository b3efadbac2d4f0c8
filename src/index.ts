/**
 * `nestjs-forge-streaming`: what an application author uses. Adapter authors find the adapter
 * SPI in `nestjs-forge-streaming/adapter`.
 */
export { ForgeStreamingModule } from './streaming.module.js';
export type { StreamingModuleExtras } from './streaming.module-definition.js';
export { STREAMING_CONTEXT_TYPE, STREAMING_ROUTE_METADATA } from './streaming.constants.js';

export { WebSocketRoute } from './decorators/web-socket-route.decorator.js';
export { SseRoute } from './decorators/sse-route.decorator.js';
export { WebTransportRoute } from './decorators/web-transport-route.decorator.js';
export { StreamingGateway } from './decorators/streaming-gateway.decorator.js';
export { OnMessage } from './decorators/on-message.decorator.js';
export { OnConnect, OnDisconnect } from './decorators/on-connection.decorator.js';
export { Conn, MessageBody, Param } from './decorators/gateway-params.decorator.js';
export type { GatewayProtocol, StreamingGatewayOptions } from './decorators/gateway-metadata.js';
export { StreamingAsyncApi, type ProviderLookup } from './gateway/streaming-async-api.js';
export type { AsyncApiDocument, AsyncApiInfo } from './gateway/async-api-document.js';
export type {
  EmitWithAckOptions,
  GatewayConnection,
} from './interfaces/gateway-connection.interface.js';
export type {
  EnvelopeChannel,
  ReservedEventsHandler,
  RoomEventStamper,
  RoomStamp,
} from './interfaces/gateway-protocol.interface.js';
export {
  STREAMING_RESERVED_EVENTS_HANDLER,
  STREAMING_ROOM_EVENT_STAMPER,
} from './streaming.constants.js';
export {
  JSON_SUBPROTOCOL,
  MSGPACK_SUBPROTOCOL,
  MessageErrorCode,
  RESERVED_EVENTS,
  type Envelope,
  type ErrorEventEnvelope,
  type ErrorReplyEnvelope,
  type EventEnvelope,
  type MessageError,
  type MessageErrorCodeValue,
  type MessageId,
  type ReplyEnvelope,
} from './wire/envelope.js';
export type {
  EventData,
  EventMap,
  EventReply,
  RequestEvents,
  WithReply,
} from './wire/event-map.js';

export { StreamingManager } from './manager/streaming-manager.service.js';
export type {
  BroadcastResult,
  BroadcastTarget,
  EmitResult,
} from './manager/streaming-manager.service.js';
export {
  allOf,
  anyOf,
  exceptConnection,
  forUser,
  inRoom,
  localPredicate,
  not,
  onRoute,
  onlyConnection,
  protocol,
  whereMeta,
} from './registry/connection-filters.js';
export { StreamEvent } from './connection/stream-event.js';

export { StreamingExecutionContext } from './handshake/streaming-execution-context.js';
export { StreamingHandshake } from './handshake/streaming-handshake.js';

export { StreamingJwtGuard, extractToken } from './guards/streaming-jwt.guard.js';
export {
  TOKEN_LEASE_KEY,
  type TokenLease,
  type TokenRenewal,
} from './interfaces/token-lease.interface.js';
export {
  StreamingRateLimitGuard,
  StreamingRateLimit,
  type StreamingRateLimitOptions,
} from './guards/streaming-rate-limit.guard.js';
export { StreamingLoggingInterceptor } from './interceptors/streaming-logging.interceptor.js';
export { StreamingMetrics, DEFAULT_METRICS_PREFIX } from './metrics/streaming-metrics.service.js';
export { StreamingMetricsController } from './metrics/streaming-metrics.controller.js';
export { DEFAULT_LATENCY_BUCKETS } from './metrics/latency-buckets.js';
export {
  StreamingHealthIndicator,
  type StreamingHealthResult,
  type StreamingHealthStatus,
} from './metrics/streaming-health.indicator.js';

export { CloseCode, type CloseCodeValue } from './errors/close-codes.js';
export { StreamingException } from './errors/streaming.exception.js';
export {
  StreamingError,
  StreamingErrorCode,
  type StreamingErrorCodeValue,
} from './errors/streaming.error.js';
export { ConnectionClosedError } from './errors/connection-closed.error.js';
export { AckTimeoutError } from './errors/ack-timeout.error.js';
export { AckRejectedError, type AckRejection } from './errors/ack-rejected.error.js';
export { UnencodableMessageError } from './errors/unencodable-message.error.js';
export { ConnectionNotFoundError } from './errors/connection-not-found.error.js';
export { InvalidRouteError } from './errors/invalid-route.error.js';
export { InvalidConfigError } from './errors/invalid-config.error.js';
export { InvalidStateError } from './errors/invalid-state.error.js';
export { MissingDependencyError } from './errors/missing-dependency.error.js';
export { HandshakeAbandonedError } from './errors/handshake-abandoned.error.js';
export { HandshakeTimeoutError } from './errors/handshake-timeout.error.js';
export { SseFieldError } from './errors/sse-field.error.js';
export { SseHeadersSentError } from './errors/sse-headers-sent.error.js';
export { WebTransportUnavailableError } from './errors/web-transport-unavailable.error.js';

export {
  WebTransportServerInfo,
  type WebTransportCertificateHash,
} from './transports/web-transport/web-transport-server-info.service.js';

export { SSE_ERROR_EVENT, SSE_RESET_EVENT } from './wire/sse.codec.js';

export {
  MessageType,
  STREAMING_PROTOCOLS,
  type CloseInfo,
  type HandshakeRequest,
  type SseContext,
  type SseEvent,
  type SseWriteOptions,
  type StreamingConnection,
  type StreamingProtocol,
  type WebSocketConnection,
  type WebSocketMessage,
  type WebTransportBidiStream,
  type WebTransportDatagrams,
  type WebTransportKind,
  type WebTransportReadable,
  type WebTransportSession,
  type WebTransportWritable,
} from './interfaces/connection.interface.js';
export type { ConnectionFilter, MetaValue } from './interfaces/connection-filter.interface.js';
export type {
  BatchingOptions,
  Http3Mode,
  MessageRateLimitOptions,
  OriginCheck,
  OriginCheckRequest,
  ResolvedStreamingConfig,
  SlowConsumerPolicy,
  SseConfig,
  StreamingConfig,
  StreamingJwtOptions,
  MetricsRegistry,
  StreamingMetricsConfig,
  WebSocketConfig,
  WebTransportConfig,
} from './interfaces/streaming-config.interface.js';
export type {
  AnyRouteOptions,
  SseRouteOptions,
  StreamingRouteOptions,
  WebSocketRouteOptions,
  WebTransportRouteOptions,
} from './interfaces/route-options.interface.js';
export type {
  StreamingMiddleware,
  StreamingNext,
} from './interfaces/streaming-middleware.interface.js';
export type {
  ClusterStats,
  RejectionReason,
  StreamingStats,
} from './interfaces/streaming-stats.interface.js';
export type {
  AdapterHealth,
  ConnectionDescriptor,
  PresenceEvent,
  PresenceMember,
  StreamingAdapter,
} from './interfaces/streaming-adapter.interface.js';
export type { RoomsConfig } from './interfaces/streaming-config.interface.js';
export type { RoomHistoryLimits } from './interfaces/streaming-adapter.interface.js';
export { RoomHistoryPolicy } from './recovery/room-history-policy.service.js';
export type { RecoverReply } from './recovery/reserved-events.handler.js';
export type { RecoveredData, RecoveryFailureReason } from './wire/recovery-outcome.js';
