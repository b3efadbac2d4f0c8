import { jsonEnvelopeCodec, type EnvelopeCodec } from '../wire/envelope-codec.js';
import {
  isErrorReply,
  isEventEnvelope,
  RESERVED_EVENTS,
  type Envelope,
  type EventEnvelope,
  type MessageError,
  type MessageId,
} from '../wire/envelope.js';
import type { RecoveredData } from '../wire/recovery-outcome.js';
import { Backoff, resolveReconnect, type ReconnectOptions } from './backoff.js';
import { systemClock, type ClientClock } from './client-clock.js';
import { OfflineQueue } from './offline-queue.js';
import { RoomPositions } from './room-positions.js';
import {
  MAX_TIMER_MS,
  refreshDelayMs,
  tokenExpiryMs,
  type TokenRefreshOptions,
} from './token-refresh.js';
import {
  findWebSocket,
  refusalStatus,
  type WebSocketConstructor,
  type WebSocketLike,
} from './web-socket-like.js';
import { nativeWebTransport } from './web-transport-factory.js';
import type { CertificateHashInput, WebTransportConstructor } from './web-transport-like.js';
import { isWebTransportFailure, WebTransportSocket } from './web-transport-socket.js';
import { afterRefusal } from './refusal-policy.js';

/** Where the client is: connecting first, open, waiting to reconnect, or closed for good. */
export type StreamingClientState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What carries the client's connection. */
export type StreamingClientTransport = 'webtransport' | 'websocket';

/**
 * WebTransport first: where a `WebTransport` constructor exists (the browser's, or one given
 * here), each attempt opens a session to `url` first; when that fails (no session within
 * `connectTimeoutMs`, refused, unreachable) the client falls back to WebSocket at once and stays
 * on it. A WebTransport session that opened and later dropped reconnects over WebTransport.
 */
export interface StreamingClientWebTransportOptions {
  /**
   * The gateway's WebTransport URL (`https://host:<webTransport.port>/path`: its own server and
   * port). `access_token`, `recover` and `codec` are added to its query as for WebSocket.
   */
  url: string;
  /** Certificate hashes to pin (`WebTransportServerInfo.certificateHash()`). */
  serverCertificateHashes?: CertificateHashInput[];
  /**
   * The `WebTransport` constructor. Default the browser's global one; Node has none, so inject
   * one there (`WebTransport` of `@fails-components/webtransport`, over HTTP/2).
   */
  WebTransport?: WebTransportConstructor;
  /** Gives up on a session not ready after this long, in milliseconds. Default 5 000. */
  connectTimeoutMs?: number;
}

/** Options of {@link createStreamingClient}. */
export interface StreamingClientOptions {
  /**
   * A token per connection attempt, sent as `?access_token=`. While a connection is open, a
   * fresh one is also asked for before the current token's `exp` and sent in-band (`$auth`).
   */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** In-band token refresh before `exp` (`false`: never). Default on when `getToken` is given. */
  tokenRefresh?: TokenRefreshOptions | false;
  /** WebSocket subprotocols to offer. Default the codec's (`forge.v1.json`). */
  protocols?: string[];
  /** Reconnect policy (`false`: never reconnect). */
  reconnect?: ReconnectOptions | boolean;
  /** Envelope codec. Default JSON text. */
  codec?: EnvelopeCodec;
  /** Most `emit`s kept while disconnected (oldest dropped first). Default 100; 0 drops them. */
  offlineQueue?: number;
  /** Default request timeout in milliseconds. Default 10 000. */
  requestTimeoutMs?: number;
  /** The WebSocket constructor. Default the global one, else `ws` in Node. */
  WebSocket?: WebSocketConstructor;
  /** Try WebTransport first, falling back to WebSocket (`url` stays the WebSocket URL). */
  webTransport?: StreamingClientWebTransportOptions;
  /** Timers (tests). Default the real clock; `now()` must be epoch milliseconds for token refresh. */
  clock?: ClientClock;
  /** Random source of the backoff jitter (tests). Default `Math.random`. */
  random?: () => number;
}

/** Options of one request. */
export interface RequestOptions {
  /** Rejects with a `TIMEOUT` error after this long. */
  timeoutMs?: number;
  /** Sent again after a reconnect instead of rejecting on disconnect. Default false. */
  idempotent?: boolean;
}

/** The error a request rejects with (an error reply, a timeout, a disconnect). */
export class StreamingRequestError extends Error {
  constructor(readonly error: MessageError) {
    super(error.message);
    this.name = 'StreamingRequestError';
  }
}

/** What the client tells its listeners besides server events. */
export interface StreamingClientEvents {
  state: StreamingClientState;
  recovered: RecoveredData;
  error: MessageError;
  /** A frame that is not an envelope (a plain broadcast): parsed JSON, else its text or bytes. */
  frame: unknown;
}

type Listener = (data: unknown, envelope: EventEnvelope) => void;

interface PendingRequest {
  readonly envelope: EventEnvelope & { id: MessageId };
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: StreamingRequestError) => void;
  readonly timer: unknown;
  readonly idempotent: boolean;
}

/**
 * A reconnecting, recovering client of event gateways (browser and Node). Reconnects with
 * full-jitter backoff, stops on 4xx refusals (after asking `getToken` once more on 401/403),
 * recovers every room it has offsets for (`?recover=`), drops replayed duplicates, keeps `emit`s
 * in a bounded offline queue, and rejects pending requests on disconnect unless idempotent.
 */
export class StreamingClient {
  private socket: WebSocketLike | undefined;
  private currentState: StreamingClientState = 'connecting';
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly requestHandlers = new Map<string, (data: unknown) => unknown>();
  private readonly pending = new Map<MessageId, PendingRequest>();
  private readonly positions = new RoomPositions();
  private readonly queue: OfflineQueue<EventEnvelope>;
  private readonly backoff: Backoff;
  private readonly clock: ClientClock;
  private readonly codec: EnvelopeCodec;
  private nextId = 1;
  private retryTimer: unknown;
  private stableTimer: unknown;
  private refreshTimer: unknown;
  private token: string | undefined;
  private authRetried = false;
  /** Set once a WebTransport session failed to open: later attempts use WebSocket. */
  private webTransportFailed = false;

  constructor(
    readonly url: string,
    private readonly options: StreamingClientOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.codec = options.codec ?? jsonEnvelopeCodec;
    this.queue = new OfflineQueue(options.offlineQueue ?? 100);
    this.backoff = new Backoff(resolveReconnect(options.reconnect), options.random);
    void this.connect();
  }

  /** The current state. */
  get state(): StreamingClientState {
    return this.currentState;
  }

  /** What carries the current connection (undefined while none is open). */
  get transport(): StreamingClientTransport | undefined {
    if (!this.socket || this.currentState !== 'open') return undefined;
    return this.socket instanceof WebTransportSocket ? 'webtransport' : 'websocket';
  }

  /** `emit`s dropped by the offline queue so far. */
  get droppedCount(): number {
    return this.queue.dropped;
  }

  /** Room → offset of the newest event received (what a reconnect recovers from). */
  get offsets(): Record<string, string> {
    return this.positions.snapshot();
  }

  /** Listens to a server event, or to `state`, `recovered`, `error`, `frame`. */
  on(event: string, listener: (data: never, envelope: EventEnvelope) => void): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return this;
  }

  /** Removes a listener. */
  off(event: string, listener: (data: never, envelope: EventEnvelope) => void): this {
    this.listeners.get(event)?.delete(listener as Listener);
    return this;
  }

  /** Answers the server's requests (`conn.emitWithAck`) of `event` with `handler`'s value. */
  onRequest(event: string, handler: (data: unknown) => unknown): this {
    this.requestHandlers.set(event, handler);
    return this;
  }

  /** Sends an event; kept in the offline queue while disconnected. */
  emit(event: string, data?: unknown): void {
    const envelope: EventEnvelope = { event, data };
    if (this.currentState === 'open' && this.socket) this.write(envelope);
    else if (this.currentState !== 'closed') this.queue.push(envelope);
  }

  /** Sends a request and resolves with its reply's data. */
  request<R = unknown>(event: string, data?: unknown, options: RequestOptions = {}): Promise<R> {
    if (this.currentState === 'closed') {
      return Promise.reject(this.failure(499, 'CLOSED', 'The client is closed'));
    }
    const id = this.nextId++;
    const envelope = { event, data, id };
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 10_000;
    return new Promise<R>((resolve, reject) => {
      const timer = this.clock.set(() => {
        this.pending.delete(id);
        reject(this.failure(408, 'TIMEOUT', `No reply to ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        envelope,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
        idempotent: options.idempotent ?? false,
      });
      if (this.currentState === 'open') this.write(envelope);
      else if (!options.idempotent && this.currentState === 'reconnecting') {
        this.settleRequest(id, this.disconnected());
      }
    });
  }

  /** Closes for good: no reconnect; pending requests reject. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.clock.clear(this.retryTimer);
    this.clock.clear(this.stableTimer);
    this.clock.clear(this.refreshTimer);
    this.setState('closed');
    this.rejectPending(true);
    this.socket?.close(1000, 'client closed');
    this.socket = undefined;
  }

  private async connect(): Promise<void> {
    const webTransport = this.webTransportConstructor();
    let Ctor: WebSocketConstructor | undefined;
    let token: string | undefined;
    try {
      if (!webTransport) Ctor = this.options.WebSocket ?? (await findWebSocket());
      token = await this.options.getToken?.();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (this.currentState === 'closed') return;
    this.token = token;
    let socket: WebSocketLike;
    if (webTransport && this.options.webTransport) {
      const target = this.target(this.options.webTransport.url, token);
      if (this.codec.binary) target.searchParams.set('codec', 'msgpack');
      socket = new WebTransportSocket(target.toString(), {
        WebTransport: webTransport,
        serverCertificateHashes: this.options.webTransport.serverCertificateHashes,
        binary: this.codec.binary,
        connectTimeoutMs: this.options.webTransport.connectTimeoutMs ?? 5_000,
        clock: this.clock,
      });
    } else {
      const target = this.target(this.url, token).toString();
      socket = new Ctor!(target, this.options.protocols ?? [this.codec.subprotocol]);
      socket.binaryType = 'arraybuffer';
    }
    this.socket = socket;
    let refused: number | undefined;
    let fallBack = false;
    socket.onopen = () => this.opened(socket);
    socket.onerror = (event) => {
      if (isWebTransportFailure(event)) fallBack = true;
      else refused = refusalStatus(event) ?? refused;
    };
    socket.onmessage = (event) => this.received(event.data);
    socket.onclose = () => (fallBack ? this.fellBack(socket) : this.closed(socket, refused));
  }

  /** The `WebTransport` constructor to try first, unless WebTransport is off or failed. */
  private webTransportConstructor(): WebTransportConstructor | undefined {
    const options = this.options.webTransport;
    if (!options || this.webTransportFailed) return undefined;
    return options.WebTransport ?? nativeWebTransport();
  }

  /** `base` with this attempt's token and recover positions in its query. */
  private target(base: string, token: string | undefined): URL {
    const target = new URL(base);
    if (token) target.searchParams.set('access_token', token);
    const recover = this.positions.recoverQuery();
    if (recover) target.searchParams.set('recover', recover);
    else target.searchParams.delete('recover');
    return target;
  }

  /** A WebTransport session did not open: the same attempt goes on over WebSocket. */
  private fellBack(socket: WebSocketLike): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.webTransportFailed = true;
    if (this.currentState !== 'closed') void this.connect();
  }

  private opened(socket: WebSocketLike): void {
    if (socket !== this.socket) return;
    this.authRetried = false;
    this.setState('open');
    this.stableTimer = this.clock.set(
      () => this.backoff.reset(),
      resolveReconnect(this.options.reconnect).stableAfterMs,
    );
    for (const envelope of this.queue.drain()) this.write(envelope);
    for (const request of this.pending.values()) this.write(request.envelope);
    this.scheduleRefresh(socket);
  }

  /** Arms the in-band refresh of the current token, due before its `exp`. */
  private scheduleRefresh(socket: WebSocketLike): void {
    this.clock.clear(this.refreshTimer);
    this.refreshTimer = undefined;
    const refresh = this.options.tokenRefresh;
    if (refresh === false || !this.options.getToken || !this.token) return;
    const expiresAt = tokenExpiryMs(this.token);
    if (expiresAt === undefined || expiresAt <= this.clock.now()) return;
    const delay = refreshDelayMs(expiresAt, this.clock.now(), refresh?.leadMs);
    this.refreshTimer = this.clock.set(
      () => (delay > MAX_TIMER_MS ? this.scheduleRefresh(socket) : void this.refresh(socket)),
      Math.min(delay, MAX_TIMER_MS),
    );
  }

  /** Asks `getToken` for a fresh token and hands it to the open connection (`$auth`). */
  private async refresh(socket: WebSocketLike): Promise<void> {
    this.refreshTimer = undefined;
    let token: string | undefined;
    try {
      token = await this.options.getToken?.();
    } catch (error) {
      this.notify('error', { status: 401, code: 'UNAUTHORIZED', message: String(error) });
      return;
    }
    if (!token || socket !== this.socket || this.currentState !== 'open') return;
    // A token that does not live longer than the one in force gains nothing (and would loop).
    const current = this.token === undefined ? undefined : tokenExpiryMs(this.token);
    const fresh = tokenExpiryMs(token);
    if (current !== undefined && fresh !== undefined && fresh <= current) return;
    const timeoutMs = (this.options.tokenRefresh || undefined)?.timeoutMs;
    try {
      await this.request('$auth', { token }, { timeoutMs });
    } catch (error) {
      // The old token stays in force; the server closes at its expiry and the reconnect
      // fetches a token again.
      if (error instanceof StreamingRequestError) this.notify('error', error.error);
      return;
    }
    if (socket !== this.socket) return;
    this.token = token;
    this.scheduleRefresh(socket);
  }

  private closed(socket: WebSocketLike, refused: number | undefined): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.clock.clear(this.stableTimer);
    this.clock.clear(this.refreshTimer);
    this.refreshTimer = undefined;
    if (this.currentState === 'closed') return;
    this.rejectPending(false);
    const next = afterRefusal(refused, this.authRetried, !!this.options.getToken);
    if (next === 'stop') {
      this.close();
      return;
    }
    if (next === 'refresh-and-retry') this.authRetried = true;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.currentState === 'closed') return;
    if (!resolveReconnect(this.options.reconnect).enabled) {
      this.close();
      return;
    }
    this.setState('reconnecting');
    this.retryTimer = this.clock.set(() => void this.connect(), this.backoff.next());
  }

  private received(frame: unknown): void {
    const data = typeof frame === 'string' ? frame : new Uint8Array(frame as ArrayBuffer);
    const envelope = this.codec.decode(data);
    if (!envelope) {
      this.notify('frame', typeof data === 'string' ? parsedOrText(data) : data);
      return;
    }
    if (!('event' in envelope)) {
      this.settleRequest(envelope.id, envelope);
      return;
    }
    if (!isEventEnvelope(envelope)) {
      this.notify('error', envelope.error);
      return;
    }
    if (envelope.event === RESERVED_EVENTS.recovered) {
      const outcome = envelope.data as RecoveredData;
      if (!outcome.recovered) this.positions.forget(outcome.room);
      this.notify('recovered', outcome);
      return;
    }
    if (envelope.room !== undefined && envelope.offset !== undefined) {
      if (!this.positions.accept(envelope.room, envelope.offset)) return;
    }
    if (envelope.id !== undefined) {
      void this.answer(envelope);
      return;
    }
    this.notify(envelope.event, envelope.data, envelope);
  }

  private async answer(envelope: EventEnvelope): Promise<void> {
    const handler = this.requestHandlers.get(envelope.event);
    const id = envelope.id as MessageId;
    if (!handler) {
      this.write({ id, error: { status: 404, code: 'UNKNOWN_EVENT', message: envelope.event } });
      return;
    }
    try {
      this.write({ id, data: await handler(envelope.data) });
    } catch (error) {
      this.write({ id, error: { status: 500, code: 'INTERNAL', message: String(error) } });
    }
  }

  private settleRequest(id: MessageId, envelope: Envelope | StreamingRequestError): void {
    const request = this.pending.get(id);
    if (!request) return;
    this.pending.delete(id);
    this.clock.clear(request.timer);
    if (envelope instanceof StreamingRequestError) request.reject(envelope);
    else if (isErrorReply(envelope)) request.reject(new StreamingRequestError(envelope.error));
    else request.resolve('data' in envelope ? envelope.data : undefined);
  }

  private rejectPending(all: boolean): void {
    for (const [id, request] of [...this.pending]) {
      if (all || !request.idempotent) this.settleRequest(id, this.disconnected());
    }
  }

  private disconnected(): StreamingRequestError {
    return this.failure(503, 'DISCONNECTED', 'The connection closed before the reply');
  }

  private failure(status: number, code: string, message: string): StreamingRequestError {
    return new StreamingRequestError({ status, code, message });
  }

  private write(envelope: Envelope): void {
    try {
      this.socket?.send(this.codec.encode(envelope));
    } catch {
      // the socket is closing: onclose follows
    }
  }

  private setState(state: StreamingClientState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.notify('state', state);
  }

  private notify(event: string, data: unknown, envelope?: EventEnvelope): void {
    const set = this.listeners.get(event);
    if (!set) return;
    const source = envelope ?? { event, data };
    for (const listener of [...set]) {
      try {
        listener(data, source);
      } catch {
        // a listener's error must not break the client
      }
    }
  }
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Creates a {@link StreamingClient} and starts connecting. */
export function createStreamingClient(
  url: string,
  options: StreamingClientOptions = {},
): StreamingClient {
  return new StreamingClient(url, options);
}
