import { IntrinsicException } from '@nestjs/common';

/**
 * The stable codes of the errors the library throws. Code on `error.code`, never on the message:
 * messages may be reworded, codes do not change.
 */
export const StreamingErrorCode = {
  /** A read or write on a connection that has closed ({@link ConnectionClosedError}). */
  ConnectionClosed: 'CONNECTION_CLOSED',
  /** No connection has the id ({@link ConnectionNotFoundError}). */
  ConnectionNotFound: 'CONNECTION_NOT_FOUND',
  /** A configuration value cannot work ({@link InvalidConfigError}). */
  InvalidConfig: 'INVALID_CONFIG',
  /** A route is malformed or declared twice ({@link InvalidRouteError}). */
  InvalidRoute: 'INVALID_ROUTE',
  /** An optional package a feature needs is not installed ({@link MissingDependencyError}). */
  MissingDependency: 'MISSING_DEPENDENCY',
  /** An object was used in a state that does not allow it ({@link InvalidStateError}). */
  InvalidState: 'INVALID_STATE',
  /** The client went away before the handshake completed ({@link HandshakeAbandonedError}). */
  HandshakeAbandoned: 'HANDSHAKE_ABANDONED',
  /** The handshake took longer than allowed ({@link HandshakeTimeoutError}). */
  HandshakeTimeout: 'HANDSHAKE_TIMEOUT',
  /** An SSE field value would break the stream's framing ({@link SseFieldError}). */
  SseFieldInvalid: 'SSE_FIELD_INVALID',
  /** A header was set after the SSE response head was written ({@link SseHeadersSentError}). */
  SseHeadersSent: 'SSE_HEADERS_SENT',
  /** The WebTransport server is not running or did not start ({@link WebTransportUnavailableError}). */
  WebTransportUnavailable: 'WEB_TRANSPORT_UNAVAILABLE',
  /** A client did not answer `emitWithAck` in time ({@link AckTimeoutError}). */
  AckTimeout: 'ACK_TIMEOUT',
  /** A client answered `emitWithAck` with an error reply ({@link AckRejectedError}). */
  AckRejected: 'ACK_REJECTED',
  /** A gateway envelope's payload cannot be encoded by its codec ({@link UnencodableMessageError}). */
  UnencodableMessage: 'UNENCODABLE_MESSAGE',
  /** Redis did not answer in time (`RedisUnavailableError` of `nestjs-forge-streaming/redis`). */
  RedisUnavailable: 'REDIS_UNAVAILABLE',
  /** NATS (with JetStream) did not answer in time (`NatsUnavailableError` of `nestjs-forge-streaming/nats`). */
  NatsUnavailable: 'NATS_UNAVAILABLE',
} as const;

/** One of the {@link StreamingErrorCode} values. */
export type StreamingErrorCodeValue = (typeof StreamingErrorCode)[keyof typeof StreamingErrorCode];

/**
 * The base of every error the library throws, with a stable {@link StreamingErrorCode} in `code`.
 * It is an `IntrinsicException`: Nest's default filters do not log it as a crash (each is either an
 * expected outcome, such as a closed connection, or a start-up error that Nest reports itself).
 */
export abstract class StreamingError extends IntrinsicException {
  /** The stable code of this kind of error. */
  abstract readonly code: StreamingErrorCodeValue;

  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
