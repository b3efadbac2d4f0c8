import type { Observable } from 'rxjs';
import type { CloseInfo } from '../errors/close-codes.js';

export type { CloseInfo } from '../errors/close-codes.js';

/** The protocols a streaming connection can speak. */
export type StreamingProtocol = 'websocket' | 'sse' | 'webtransport';

/** Every protocol, in a stable order (stats, validation). */
export const STREAMING_PROTOCOLS: readonly StreamingProtocol[] = [
  'websocket',
  'sse',
  'webtransport',
];

/** The request that opened a connection, as guards and handlers see it. */
export interface HandshakeRequest {
  /** HTTP method of the handshake (`GET` for WebSocket and SSE, `CONNECT` for WebTransport). */
  readonly method: string;
  /** The full request target, path and query (`/rooms/a?x=1`). */
  readonly url: string;
  /** The path without the query string. */
  readonly path: string;
  /**
   * Request headers, lower-cased names. On WebSocket connections the upgrade mechanics
   * (`connection`, `upgrade`, `sec-websocket-key`, `sec-websocket-version`,
   * `sec-websocket-extensions`) are left out; `sec-websocket-protocol` is kept.
   */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Query string values (first value of each name). */
  readonly query: Readonly<Record<string, string>>;
  /** Route parameters (`/rooms/:roomId` gives `{ roomId }`). */
  readonly params: Readonly<Record<string, string>>;
  /** The peer's address. */
  readonly ip: string;
  /** What a guard attached as the authenticated principal. */
  user?: unknown;
}

/** The members every streaming connection shares, whatever its protocol. */
export interface StreamingConnection {
  /** Unique id (unique across instances). */
  readonly id: string;
  /** The protocol the connection speaks. */
  readonly protocol: StreamingProtocol;
  /** The route pattern that accepted it (`/ws/chat/:room`). */
  readonly route: string;
  /** The peer's address. */
  readonly remoteAddr: string;
  /** The handshake request. */
  readonly request: HandshakeRequest;
  /** What the guards put on `request.user`. */
  readonly user: unknown;
  /** The user id derived from `user` (`sub`, `id` or `userId`), when there is one. */
  readonly userId: string | undefined;
  /** Rooms this connection is in. */
  readonly rooms: ReadonlySet<string>;
  /** Aborts when the connection closes. */
  readonly signal: AbortSignal;
  /** Settles once, when the connection has closed. */
  readonly closed: Promise<CloseInfo>;
  /** True once the connection is closing or closed. */
  readonly isClosed: boolean;
  /** Outbound bytes waiting to be written (bounded by the route's buffer limit). */
  readonly bufferedAmount: number;
  /** Reads a context value (route params, values set by guards or middleware, e.g. `user_id`). */
  get<T = unknown>(key: string): T | undefined;
  /** Stores a context value; primitive values can be used with the `whereMeta()` filter. */
  set(key: string, value: unknown): void;
  /** Joins a room (local index and, with a cluster adapter, presence everywhere). */
  join(room: string): void;
  /** Leaves a room. */
  leave(room: string): void;
  /**
   * Sends a message: strings as text, `Uint8Array`/`Buffer` as binary, anything else as JSON text.
   * Resolves once the message is accepted into the connection's bounded outbound buffer.
   */
  send(message: unknown): Promise<void>;
  /** Closes the connection (`code` defaults to 1000). */
  close(code?: number, reason?: string): void;
  /** Keeps the connection open after the handler returns, until either side closes it. */
  keepOpen(): void;
}

/** WebSocket message types. */
export enum MessageType {
  Text = 'text',
  Binary = 'binary',
}

/** One message read from a WebSocket. */
export interface WebSocketMessage {
  readonly type: MessageType;
  /** `string` for text messages, `Buffer` for binary ones. */
  readonly data: string | Buffer;
}

/** A WebSocket connection. */
export interface WebSocketConnection extends StreamingConnection, AsyncIterable<WebSocketMessage> {
  readonly protocol: 'websocket';
  /** The negotiated subprotocol ('' when none). */
  readonly subprotocol: string;
  /** Resolves with the next message; rejects with `ConnectionClosedError` once closed. */
  readMessage(): Promise<WebSocketMessage>;
  /** Writes a message of the given type; resolves once accepted into the bounded outbound buffer. */
  writeMessage(type: MessageType, data: string | Uint8Array): Promise<void>;
  /** Sends `value` as JSON text. */
  sendJSON(value: unknown): Promise<void>;
  /** Every inbound message as an Observable; completes when the connection closes. */
  readonly messages$: Observable<WebSocketMessage>;
  /**
   * The synchronous message path, for hot handlers: `listener` is called with each inbound
   * message as soon as the socket read that carried it is parsed, with no promise per message;
   * what it writes leaves together once the read is handled. Messages already queued are handed
   * over first. It keeps the connection open (as `keepOpen()` does) until either side closes it.
   * One listener at a time; the returned function removes it (messages then queue again for
   * `readMessage`). A listener that throws closes the connection with 1011.
   */
  onMessage(listener: (message: WebSocketMessage) => void): () => void;
}

/** One Server-Sent Event. Plain values emitted by an Observable are treated as `data`. */
export interface SseEvent {
  /** Event name (`event:` field); omitted means the default `message` event. */
  event?: string;
  /** Payload: strings are sent as is, anything else JSON-encoded once. */
  data: unknown;
  /** Explicit id; when omitted the route assigns the next id from its history. */
  id?: string;
  /** Reconnection delay to ask of the client, in milliseconds. */
  retry?: number;
}

/** Options of a single `writeSSE` call. */
export interface SseWriteOptions {
  /** Explicit id (must not contain CR, LF or NUL). */
  id?: string;
  /** Reconnection delay in milliseconds. */
  retry?: number;
}

/** The context an SSE handler receives: the connection plus SSE writing helpers. */
export interface SseContext extends StreamingConnection {
  readonly protocol: 'sse';
  /** The `Last-Event-ID` the client resumed from (header or `?lastEventId=`), if any. */
  readonly lastEventId: string | undefined;
  /** Writes one event; resolves once accepted into the bounded outbound buffer. */
  writeSSE(event: string | undefined, data: unknown, options?: SseWriteOptions): Promise<void>;
  /** Writes a comment line (`: text`), ignored by clients; useful as a heartbeat. */
  comment(text: string): void;
  /** Sets a response header; only before the first byte is written. */
  setHeader(name: string, value: string): void;
}

/** Which transport carries a WebTransport session. */
export type WebTransportKind = 'http3' | 'http2' | 'websocket';

/** A simple stream API over WebTransport streams. */
export interface WebTransportReadable extends AsyncIterable<Uint8Array> {
  /** Reads the next chunk; `null` at the end of the stream. */
  read(): Promise<Uint8Array | null>;
  /** Stops reading (the peer sees the stream reset). */
  cancel(reason?: string): Promise<void>;
}

/** The writing half of a WebTransport stream. */
export interface WebTransportWritable {
  /** Writes a chunk; resolves when the stream accepted it (backpressure respected). */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Ends the stream cleanly. */
  close(): Promise<void>;
  /** Aborts the stream. */
  abort(reason?: string): Promise<void>;
}

/** A bidirectional WebTransport stream. */
export interface WebTransportBidiStream extends WebTransportReadable, WebTransportWritable {}

/** Unreliable datagrams, where the transport has them. */
export interface WebTransportDatagrams {
  send(data: Uint8Array): Promise<void>;
  readonly incoming: AsyncIterable<Uint8Array>;
}

/** A WebTransport session. */
export interface WebTransportSession extends StreamingConnection {
  readonly protocol: 'webtransport';
  /** The underlying transport (`http3`, `http2` or the WebSocket mapping). */
  readonly transport: WebTransportKind;
  /** Sends one framed message on the session's message stream (see `nestjs-forge-streaming/client`). */
  sendMessage(data: Uint8Array | string): Promise<void>;
  /** Receives the next framed message; rejects with `ConnectionClosedError` once closed. */
  receiveMessage(): Promise<Uint8Array>;
  /**
   * The synchronous message path (see `WebSocketConnection.onMessage`): `listener` is called with
   * each framed message as it is decoded. It keeps the session open; the returned function
   * removes the listener. A listener that throws closes the session with 1011.
   */
  onMessage(listener: (data: Uint8Array) => void): () => void;
  /** Opens a bidirectional stream to the client. */
  createBidirectionalStream(): Promise<WebTransportBidiStream>;
  /** Opens a unidirectional stream to the client. */
  createUnidirectionalStream(): Promise<WebTransportWritable>;
  /** Bidirectional streams the client opens (other than the message stream). */
  readonly incomingBidirectionalStreams: AsyncIterable<WebTransportBidiStream>;
  /** Unidirectional streams the client opens. */
  readonly incomingUnidirectionalStreams: AsyncIterable<WebTransportReadable>;
  /** Datagrams, or `undefined` where the transport has none. */
  readonly datagrams: WebTransportDatagrams | undefined;
}
