import type { RoomHistoryLimits, StreamingAdapter } from './streaming-adapter.interface.js';
import type { StreamingMiddleware } from './streaming-middleware.interface.js';

/** What happens when a connection's outbound buffer passes its limit. */
export type SlowConsumerPolicy = 'drop-oldest' | 'drop-newest' | 'disconnect';

/** The slow-consumer policies, for validation. */
export const SLOW_CONSUMER_POLICIES: readonly SlowConsumerPolicy[] = [
  'drop-oldest',
  'drop-newest',
  'disconnect',
];

/** Request information handed to a custom origin check. */
export interface OriginCheckRequest {
  /** The `Origin` header ('' when absent). */
  readonly origin: string;
  /** The `Host` header. */
  readonly host: string;
  /** The request path. */
  readonly path: string;
}

/**
 * Origin policy: `true` = same origin (Origin host:port equals `Host`; requests without `Origin`
 * are allowed), `false` = any origin, a list of allowed origins (exact `https://app.example.com`
 * or wildcard `https://*.example.com`), or a function returning whether to allow.
 */
export type OriginCheck = boolean | readonly string[] | ((request: OriginCheckRequest) => boolean);

/** Outbound batching: coalesces messages into fewer writes. */
export interface BatchingOptions {
  /** Longest a message waits before the batch is written, in milliseconds. */
  intervalMs: number;
  /** A batch is written as soon as it holds this many messages. */
  maxMessages: number;
}

/** Per-connection inbound message-rate limit; exceeding it closes the connection with 1008. */
export interface MessageRateLimitOptions {
  /** Messages allowed per window. */
  messages: number;
  /** Window length in milliseconds. */
  windowMs: number;
}

/** WebSocket settings. */
export interface WebSocketConfig {
  /** Accept WebSocket routes at all. Default `true`. */
  enabled: boolean;
  /** Inbound queue size in bytes before reading from the socket pauses (backpressure). Default 1 MiB. */
  readBufferSize: number;
  /** Per-connection outbound high-water mark in bytes; past it the slow-consumer policy applies. Default 1 MiB. */
  writeBufferSize: number;
  /** Origin policy (see {@link OriginCheck}). Default `true` (same origin). */
  checkOrigin: OriginCheck;
  /** Longest the handshake (headers, guards, upgrade) may take, in milliseconds. Default 10 000. */
  handshakeTimeout: number;
  /** Interval between server pings, in milliseconds. Default 30 000; 0 disables heartbeats. */
  pingPeriod: number;
  /** Time allowed for the pong after a ping, in milliseconds. Default 10 000. */
  pongWait: number;
  /** Largest inbound message in bytes (after inflation); bigger closes with 1009. Default 65 536. */
  maxMessageSize: number;
  /**
   * Most frames one inbound message may be split into; more closes with 1008 (policy
   * violation). It bounds the memory an unfinished message holds (each fragment costs about
   * 100 bytes besides its payload). Default: derived from `maxMessageSize`, one fragment per
   * KiB and at least 64 (64 for the default 64 KiB).
   */
  maxFragments?: number;
  /** Most concurrent WebSocket connections on this instance; more get 503. Default 10 000. */
  maxConnections: number;
  /** Negotiate permessage-deflate. Default `false` (it defeats frame reuse and costs memory). */
  perMessageDeflate: boolean;
}

/** Server-Sent Events settings. */
export interface SseConfig {
  /** Accept SSE routes at all. Default `true`. */
  enabled: boolean;
  /** `retry:` sent on connect, in milliseconds. Default 3 000. */
  retryInterval: number;
  /** Most concurrent SSE connections on this instance; more get 503. Default 10 000. */
  maxConnections: number;
  /** Per-connection outbound buffer in bytes; past it the slow-consumer policy applies. Default 1 MiB. */
  bufferSize: number;
  /** Events each route keeps for `Last-Event-ID` resume. Default 1 000; 0 disables history. */
  historySize: number;
  /** Interval between heartbeat comments, in milliseconds. Default 15 000; 0 disables. */
  heartbeatInterval: number;
  /** Origin policy for SSE requests. Default `false` (EventSource is governed by CORS). */
  checkOrigin: OriginCheck;
}

/** Whether to use the HTTP/3 addon. */
export type Http3Mode = 'auto' | 'off' | 'required';

/** WebTransport settings. */
export interface WebTransportConfig {
  /** Start the WebTransport server. Default `false` (it listens on its own port). */
  enabled: boolean;
  /** Address to listen on. Default `127.0.0.1`. */
  host: string;
  /** Port to listen on (0 = any free port). Default 4433. */
  port: number;
  /** PEM certificate; when absent a development certificate is generated. */
  cert?: string;
  /** PEM private key matching `cert`. */
  privateKey?: string;
  /** Most concurrent sessions; more get 503. Default 1 000. */
  maxConnections: number;
  /** Most concurrent client-opened streams per session; more are refused. Default 100. */
  maxStreams: number;
  /** Per-session outbound buffer in bytes; also sets the flow-control windows. Default 1 MiB. */
  bufferSize: number;
  /** HTTP/3 addon use. Default `'auto'`. */
  http3: Http3Mode;
  /** Origin policy for sessions. Default `false`. */
  checkOrigin: OriginCheck;
  /** Idle sessions are closed after this many milliseconds. Default 60 000; 0 disables. */
  idleTimeout: number;
}

/** Module configuration; every field is optional and has a safe default. */
export interface StreamingConfig {
  websocket?: Partial<WebSocketConfig>;
  sse?: Partial<SseConfig>;
  webTransport?: Partial<WebTransportConfig>;
  /** Broadcast/registry backend; in-memory when absent. */
  adapter?: StreamingAdapter;
  /** Default slow-consumer policy. Default `'drop-oldest'`. */
  slowConsumer?: SlowConsumerPolicy;
  /**
   * Host names the server answers for, checked on every WebSocket upgrade, SSE request and
   * WebTransport session before anything else: a request whose `Host` (`:authority`) is not
   * listed gets 421 (Misdirected Request), which defeats DNS rebinding. Entries are
   * `example.com` (any port), `example.com:8443`, `*.example.com` (subdomains) or `[::1]`.
   * With a list, the same-origin rule (`checkOrigin: true`) compares the Origin's host with it
   * instead of with `Host`. Routes may override it. Default: unset, every `Host` is accepted.
   */
  allowedHosts?: readonly string[];
  /** Functional middleware applied to every route, outermost first. */
  middleware?: StreamingMiddleware[];
  /** Longest graceful shutdown waits for connections to close, in milliseconds. Default 5 000. */
  shutdownTimeout?: number;
  /**
   * Time a client has to send a request's complete headers, in milliseconds, for every request
   * of a connection (keep-alive included); past it the client gets 408 and is cut off. Default
   * 10 000.
   */
  headersTimeout?: number;
  /**
   * Time a client has to send a whole request (headers and body), in milliseconds, for every
   * request of a connection: the limit for slow bodies. Not less than `headersTimeout`; `0`
   * turns it off. Streams are not affected (an SSE `GET` or an upgrade is complete at its
   * headers). Default 30 000.
   */
  requestTimeout?: number;
  /** Settings of the built-in `StreamingJwtGuard`. */
  jwt?: StreamingJwtOptions;
  /** Room history and recovery (see {@link RoomsConfig}). */
  rooms?: RoomsConfig;
  /** Prometheus metrics through `prom-client` (see {@link StreamingMetricsConfig}). */
  metrics?: StreamingMetricsConfig;
}

/**
 * The part of a `prom-client` `Registry` the metrics use; a `Registry` is one. Declared here so
 * that the package's types do not need `prom-client` (an optional peer) to be installed.
 */
export interface MetricsRegistry {
  /** The exposition format's content type. */
  readonly contentType: string;
  /** Every metric of the registry, in the exposition format. */
  metrics(): Promise<string>;
  /** Removes one metric by name (on shutdown). */
  removeSingleMetric(name: string): void;
}

/**
 * Prometheus metrics of this instance, registered through `prom-client` (an optional peer:
 * `npm install prom-client`). Served by `StreamingMetricsController` (`GET /metrics`) when the
 * app mounts it, or read with `StreamingMetrics.metrics()`.
 */
export interface StreamingMetricsConfig {
  /** Registers the metrics at start-up. Default false. */
  enabled?: boolean;
  /** The registry to register in. Default `prom-client`'s global `register`. */
  registry?: MetricsRegistry;
  /** Prefix of every metric name. Default `'forge_streaming_'`. */
  prefix?: string;
  /** Upper bounds of the latency histograms' buckets, in seconds. Default 0.5 ms to 10 s. */
  buckets?: number[];
}

/**
 * Rooms that keep history, so that a reconnecting client recovers the events it missed
 * (`?recover=room@offset` or `$recover`).
 *
 * ```ts
 * rooms: { history: { 'chat:*': { size: 500, ttlMs: 10 * 60_000 }, lobby: { size: 100, ttlMs: 0 } } }
 * ```
 */
export interface RoomsConfig {
  /**
   * Room name or pattern → history bounds. In a pattern `*` matches any run of characters;
   * an exact name wins over patterns, and a longer pattern over a shorter one. Default: no room
   * keeps history.
   */
  history?: Readonly<Record<string, RoomHistoryLimits>>;
  /**
   * How long a recovery waits for the connection to be a member of the room it asks for (rooms
   * are joined by the server, e.g. in an `@OnConnect` handler), in milliseconds; a connection
   * that is not a member by then gets `forbidden`. Default 2 000.
   */
  recoverJoinTimeout?: number;
}

/** Configuration with every default filled in. */
export interface ResolvedStreamingConfig {
  websocket: WebSocketConfig;
  sse: SseConfig;
  webTransport: WebTransportConfig;
  adapter: StreamingAdapter | undefined;
  slowConsumer: SlowConsumerPolicy;
  allowedHosts: readonly string[] | undefined;
  middleware: StreamingMiddleware[];
  shutdownTimeout: number;
  headersTimeout: number;
  requestTimeout: number;
  jwt: StreamingJwtOptions | undefined;
  rooms: RoomsConfig | undefined;
  metrics: StreamingMetricsConfig | undefined;
}

/** How `StreamingJwtGuard` verifies tokens (with `jose`). */
export interface StreamingJwtOptions {
  /** HMAC secret (HS256/384/512). Give this or `publicKey` / `jwksUrl`. */
  secret?: string;
  /** PEM SPKI public key (RS/ES/PS algorithms). */
  publicKey?: string;
  /** Accepted algorithms. Default `['HS256']` with a secret, `['RS256', 'ES256']` with a key. */
  algorithms?: string[];
  /** Required `iss`. */
  issuer?: string;
  /** Required `aud`. */
  audience?: string;
  /** Accepted clock skew in seconds. Default 5. */
  clockToleranceSec?: number;
  /**
   * Close an accepted connection with 4401 (`CloseCode.TokenExpired`) when its token's `exp`
   * passes, unless the client sent a fresh token with `$auth` before. Default false.
   */
  closeOnExpiry?: boolean;
}
