import type {
  BatchingOptions,
  MessageRateLimitOptions,
  OriginCheck,
  SlowConsumerPolicy,
} from './streaming-config.interface.js';
import type { StreamingMiddleware } from './streaming-middleware.interface.js';
import type { CanActivate, NestInterceptor } from '@nestjs/common';

type Type<T> = abstract new (...args: never[]) => T;

/** Options every route decorator accepts; each overrides the module config for that route. */
export interface StreamingRouteOptions {
  /** Most concurrent connections on this route; more get 503. */
  maxConnections?: number;
  /** Slow-consumer policy for this route. */
  slowConsumer?: SlowConsumerPolicy;
  /** Origin policy for this route. */
  checkOrigin?: OriginCheck;
  /** Hosts this route answers for (see `StreamingConfig.allowedHosts`); overrides the module's list. */
  allowedHosts?: readonly string[];
  /** Middleware for this route only (runs inside the global middleware). */
  middleware?: StreamingMiddleware[];
  /** Outbound batching for this route. */
  batching?: BatchingOptions;
  /** Guards for a programmatic route (decorated routes use `@UseGuards`). */
  guards?: (CanActivate | Type<CanActivate>)[];
  /** Interceptors for a programmatic route (decorated routes use `@UseInterceptors`). */
  interceptors?: (NestInterceptor | Type<NestInterceptor>)[];
}

/** WebSocket route options. */
export interface WebSocketRouteOptions extends StreamingRouteOptions {
  /** Largest inbound message in bytes. */
  maxMessageSize?: number;
  /** Most frames one inbound message may be split into (1008 past it); see `websocket.maxFragments`. */
  maxFragments?: number;
  /** Outbound high-water mark in bytes. */
  writeBufferSize?: number;
  /** Inbound message-rate limit (1008 when exceeded). */
  messageRateLimit?: MessageRateLimitOptions;
  /** Subprotocols this route accepts, in order of preference. */
  subprotocols?: string[];
}

/** SSE route options. */
export interface SseRouteOptions extends StreamingRouteOptions {
  /** Outbound buffer in bytes. */
  bufferSize?: number;
  /** Events kept for resume on this route (0 disables). */
  historySize?: number;
  /** Heartbeat interval in milliseconds (0 disables). */
  heartbeatInterval?: number;
  /** `retry:` sent on connect, in milliseconds. */
  retryInterval?: number;
  /** Extra response headers (for example CORS headers). */
  headers?: Record<string, string>;
}

/** WebTransport route options. */
export interface WebTransportRouteOptions extends StreamingRouteOptions {
  /** Most concurrent client-opened streams per session. */
  maxStreams?: number;
  /** Outbound buffer in bytes. */
  bufferSize?: number;
}

/** The route options of any protocol. */
export type AnyRouteOptions = WebSocketRouteOptions | SseRouteOptions | WebTransportRouteOptions;
