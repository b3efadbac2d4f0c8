/**
 * `nestjs-forge-streaming/client`: small isomorphic helpers for browsers and Node.
 * Node-only code is loaded on demand, so this entry bundles for the browser.
 */
export {
  encodeFrame,
  FrameDecoder,
  FRAME_HEADER_BYTES,
  MAX_FRAME_PAYLOAD,
} from '../wire/web-transport-frame.codec.js';
export {
  connectWebTransport,
  WebTransportClientSession,
  WebTransportClosedError,
  type ConnectWebTransportOptions,
} from './web-transport-client.js';
export type { WebTransportImplementation } from './web-transport-factory.js';
export type {
  CertificateHashInput,
  WebTransportConstructor,
  WebTransportLike,
  WebTransportStreamPair,
} from './web-transport-like.js';
export {
  createStreamingClient,
  StreamingClient,
  StreamingRequestError,
  type RequestOptions,
  type StreamingClientEvents,
  type StreamingClientOptions,
  type StreamingClientState,
  type StreamingClientTransport,
  type StreamingClientWebTransportOptions,
} from './streaming-client.js';
export {
  createSseClient,
  SseClient,
  type SseClientEvents,
  type SseClientOptions,
  type SseEventMeta,
  type SseResetData,
} from './sse-client.js';
export type {
  EventSourceConstructor,
  EventSourceLike,
  SseMessageEventLike,
} from './event-source-like.js';
export { Backoff, resolveReconnect, type ReconnectOptions } from './backoff.js';
export { systemClock, type ClientClock } from './client-clock.js';
export { OfflineQueue } from './offline-queue.js';
export { tokenExpiryMs, type TokenRefreshOptions } from './token-refresh.js';
export type { WebSocketConstructor, WebSocketLike } from './web-socket-like.js';
export type { RecoveredData, RecoveryFailureReason } from '../wire/recovery-outcome.js';
