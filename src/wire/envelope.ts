/**
 * The message envelope of event gateways, the same on WebSocket and WebTransport and for every
 * codec (JSON text by default, MessagePack binary with the `forge.v1.msgpack` subprotocol).
 * Public: clients in any language speak it. Pure and browser-safe (shared with `./client`).
 *
 * - client → server event: `{"event":"chat.send","data":{...},"id":7}` (`id` asks for one reply)
 * - reply: `{"id":7,"data":...}`; error reply: `{"id":7,"error":{status,code,message,details?}}`
 * - server event: `{"event":"chat.message","data":{...}}`, in a room with history also
 *   `"room":"lobby","offset":"<epoch>:<seq>"`
 * - error not tied to a request: `{"event":"$error","error":{...}}`
 * - server → client request: an event with `"id"`; the client answers `{"id":...,"data":...}`
 */

/** Correlates a request with its one reply. */
export type MessageId = number | string;

/** Subprotocol naming the JSON text codec (the default). */
export const JSON_SUBPROTOCOL = 'forge.v1.json';
/** Subprotocol naming the MessagePack binary codec. */
export const MSGPACK_SUBPROTOCOL = 'forge.v1.msgpack';

/** Event names the protocol itself uses; applications cannot handle or emit them. */
export const RESERVED_EVENTS = {
  /** An error not tied to a request. */
  error: '$error',
  /** Client → server: recover missed room events (`data`: `{ [room]: offset }`). */
  recover: '$recover',
  /** Server → client: the outcome of a recovery for one room. */
  recovered: '$recovered',
  /** Client → server: a fresh token for an open connection (`data`: `{ token }`). */
  auth: '$auth',
} as const;

/** The error codes of error replies and `$error` events, with their HTTP-like status. */
export const MessageErrorCode = {
  /** Not decodable, or not an envelope. Status 400; the connection stays open. */
  BadMessage: 'BAD_MESSAGE',
  /** The payload failed validation (`details` lists why). Status 400. */
  ValidationFailed: 'VALIDATION_FAILED',
  /** Status 401. */
  Unauthorized: 'UNAUTHORIZED',
  /** Status 403. */
  Forbidden: 'FORBIDDEN',
  /** No handler for the event. Status 404. */
  UnknownEvent: 'UNKNOWN_EVENT',
  /** The request did not get its reply in time. Status 408. */
  Timeout: 'TIMEOUT',
  /** Status 429. */
  RateLimited: 'RATE_LIMITED',
  /** Anything else (no stack on the wire). Status 500. */
  Internal: 'INTERNAL',
  /**
   * Not accepted because a backend it needs is unreachable (a room's history, for one); the
   * request may be sent again later. Status 503; the handler's message is kept.
   */
  Unavailable: 'UNAVAILABLE',
} as const;

/** One of the {@link MessageErrorCode} values, or an application's own code. */
export type MessageErrorCodeValue =
  (typeof MessageErrorCode)[keyof typeof MessageErrorCode] | (string & {});

/** The `error` of an error reply or a `$error` event. */
export interface MessageError {
  readonly status: number;
  readonly code: MessageErrorCodeValue;
  readonly message: string;
  readonly details?: unknown;
}

/** An event, in either direction; with `id` it is a request that expects one reply. */
export interface EventEnvelope {
  readonly event: string;
  readonly data?: unknown;
  readonly id?: MessageId;
  /** The room of a server event sent to a room with history. */
  readonly room?: string;
  /** The event's position in that room's history (`<epoch>:<seq>`). */
  readonly offset?: string;
}

/** The reply to a request. */
export interface ReplyEnvelope {
  readonly id: MessageId;
  readonly data?: unknown;
}

/** The error reply to a request. */
export interface ErrorReplyEnvelope {
  readonly id: MessageId;
  readonly error: MessageError;
}

/** An error not tied to a request. */
export interface ErrorEventEnvelope {
  readonly event: typeof RESERVED_EVENTS.error;
  readonly error: MessageError;
}

/** Anything the envelope can carry. */
export type Envelope = EventEnvelope | ReplyEnvelope | ErrorReplyEnvelope | ErrorEventEnvelope;

function isMessageId(value: unknown): value is MessageId {
  return (
    (typeof value === 'number' && Number.isFinite(value)) ||
    (typeof value === 'string' && value.length > 0 && value.length <= 128)
  );
}

function isMessageError(value: unknown): value is MessageError {
  if (typeof value !== 'object' || value === null) return false;
  const error = value as Record<string, unknown>;
  return (
    typeof error.status === 'number' &&
    typeof error.code === 'string' &&
    typeof error.message === 'string'
  );
}

/**
 * Checks a decoded value against the envelope's shapes: an object with a non-empty string
 * `event` (optionally `data`, a valid `id`, `room`, `offset`), or a valid `id` with `data` or
 * an `error`. Anything else is undefined (a `BAD_MESSAGE`).
 */
export function asEnvelope(value: unknown): Envelope | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if ('event' in record) {
    if (typeof record.event !== 'string' || record.event.length === 0) return undefined;
    if (record.id !== undefined && !isMessageId(record.id)) return undefined;
    if (record.room !== undefined && typeof record.room !== 'string') return undefined;
    if (record.offset !== undefined && typeof record.offset !== 'string') return undefined;
    if (record.event === RESERVED_EVENTS.error) {
      return isMessageError(record.error) ? (record as unknown as ErrorEventEnvelope) : undefined;
    }
    return record as unknown as EventEnvelope;
  }
  if (!isMessageId(record.id)) return undefined;
  if ('error' in record) {
    return isMessageError(record.error) ? (record as unknown as ErrorReplyEnvelope) : undefined;
  }
  return record as unknown as ReplyEnvelope;
}

/** Whether an envelope is an event (a request when it has an `id`). */
export function isEventEnvelope(envelope: Envelope): envelope is EventEnvelope {
  return 'event' in envelope && envelope.event !== RESERVED_EVENTS.error;
}

/** Whether an envelope is an error reply. */
export function isErrorReply(envelope: Envelope): envelope is ErrorReplyEnvelope {
  return !('event' in envelope) && 'error' in envelope;
}
