import type {
  SseConfig,
  WebSocketConfig,
  WebTransportConfig,
} from '../interfaces/streaming-config.interface.js';

/** WebSocket defaults: finite sizes, heartbeats on, same-origin, compression off. */
export const DEFAULT_WEBSOCKET_CONFIG: WebSocketConfig = {
  enabled: true,
  readBufferSize: 1024 * 1024,
  writeBufferSize: 1024 * 1024,
  checkOrigin: true,
  handshakeTimeout: 10_000,
  pingPeriod: 30_000,
  pongWait: 10_000,
  maxMessageSize: 64 * 1024,
  maxConnections: 10_000,
  perMessageDeflate: false,
};

/** SSE defaults. */
export const DEFAULT_SSE_CONFIG: SseConfig = {
  enabled: true,
  retryInterval: 3_000,
  maxConnections: 10_000,
  bufferSize: 1024 * 1024,
  historySize: 1_000,
  heartbeatInterval: 15_000,
  checkOrigin: false,
};

/** WebTransport defaults (off: it listens on a port of its own). */
export const DEFAULT_WEB_TRANSPORT_CONFIG: WebTransportConfig = {
  enabled: false,
  host: '127.0.0.1',
  port: 4433,
  maxConnections: 1_000,
  maxStreams: 100,
  bufferSize: 1024 * 1024,
  http3: 'auto',
  checkOrigin: false,
  idleTimeout: 60_000,
};

/** Default graceful-shutdown drain time in milliseconds. */
export const DEFAULT_SHUTDOWN_TIMEOUT = 5_000;

/** Default time allowed for complete request headers, in milliseconds. */
export const DEFAULT_HEADERS_TIMEOUT = 10_000;

/** Default time allowed for a whole request (headers and body), in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT = 30_000;
