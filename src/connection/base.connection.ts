import { randomUUID } from 'node:crypto';
import type {
  CloseInfo,
  HandshakeRequest,
  StreamingConnection,
  StreamingProtocol,
} from '../interfaces/connection.interface.js';
import type {
  BatchingOptions,
  SlowConsumerPolicy,
} from '../interfaces/streaming-config.interface.js';
import { CloseCode } from '../errors/close-codes.js';
import { ConnectionClosedError } from '../errors/connection-closed.error.js';
import { MessageBatcher } from './message-batcher.js';
import { OutboundMessage } from './outbound-message.js';
import { chunkLength, OutboundQueue, type OutboundChunk } from './outbound-queue.js';
import { beginDispatchRun, endDispatchRun } from './tick-corker.js';
import type { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';

/** What a connection tells its registry. Implemented by `ConnectionRegistry`. */
export interface ConnectionHooks {
  joined(conn: BaseConnection, room: string): void;
  left(conn: BaseConnection, room: string): void;
  metaChanged(conn: BaseConnection, key: string, previous: unknown, next: unknown): void;
  closed(conn: BaseConnection): void;
}

/** Extra information a transport may need to encode a broadcast (SSE event ids per route). */
export interface DeliveryContext {
  readonly sseIds?: Readonly<Record<string, string>>;
}

/** Everything a transport hands to a new connection. */
export interface ConnectionInit {
  readonly protocol: StreamingProtocol;
  readonly route: string;
  readonly request: HandshakeRequest;
  /**
   * Context values collected during the handshake (route params, guard values). The map is
   * handed over to the connection, not copied.
   */
  readonly values: Map<string, unknown>;
  readonly stats: StreamingStatsCollector;
  /** Outbound high-water mark in bytes. */
  readonly bufferLimit: number;
  readonly slowConsumer: SlowConsumerPolicy;
  readonly batching?: BatchingOptions;
}

const NO_ROOMS: ReadonlySet<string> = new Set<string>();

/**
 * Opening times are kept as milliseconds after this instant: small integers that V8 stores in
 * the connection object itself, where a full epoch timestamp would need a boxed number.
 */
const CLOCK_BASE = Date.now();

/** Largest value V8 stores as a small integer on every platform. */
const MAX_SMALL_INTEGER = 0x3fffffff;

/**
 * Milliseconds since `CLOCK_BASE`, as a small integer (an integral result of `-` on two
 * timestamps would otherwise be stored as a boxed double). After about 12 days of uptime the
 * value no longer fits and is kept as it is.
 */
function msSinceClockBase(): number {
  const elapsed = Date.now() - CLOCK_BASE;
  return elapsed <= MAX_SMALL_INTEGER ? elapsed | 0 : elapsed;
}

/**
 * What a send that completed at once returns: one shared, already-settled promise rather than a
 * new one per message (awaiting it costs the caller one microtask, as any resolved promise does).
 */
export const SENT: Promise<void> = Promise.resolve();

/**
 * A random UUID as one flat string. `randomUUID()` assembles its result by concatenation, which
 * V8 keeps as a tree of ~15 string pieces (about 500 bytes for a 36-character id); a round trip
 * through latin1 bytes stores it in 36 bytes.
 */
export function newConnectionId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

/** Derives a user id from what a guard put on `request.user`. */
export function deriveUserId(user: unknown): string | undefined {
  if (user === null || typeof user !== 'object') {
    return typeof user === 'string' || typeof user === 'number' ? String(user) : undefined;
  }
  const record = user as Record<string, unknown>;
  for (const key of ['sub', 'id', 'userId', 'user_id']) {
    const value = record[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

/**
 * Protocol-neutral connection state: identity, context values, rooms, the bounded outbound queue
 * with the slow-consumer policy, batching, and the close lifecycle. Transports extend it.
 */
export abstract class BaseConnection implements StreamingConnection {
  readonly id: string = newConnectionId();
  readonly protocol: StreamingProtocol;
  readonly route: string;
  readonly request: HandshakeRequest;
  readonly userId: string | undefined;
  private readonly openedAfter = msSinceClockBase();

  /** Context values; created on the first value (most connections have none). */
  private values: Map<string, unknown> | undefined;
  private roomSet: Set<string> | undefined;
  private abortController: AbortController | undefined;
  private closedPromise: Promise<CloseInfo> | undefined;
  private resolveClosed: ((info: CloseInfo) => void) | undefined;
  private tracker: Set<BaseConnection> | undefined;
  private closeInfo: CloseInfo | undefined;
  private closing = false;
  private kept = false;
  private hooks: ConnectionHooks | undefined;
  private queueInstance: OutboundQueue | undefined;
  private readonly batcher: MessageBatcher | undefined;
  private drainWaiters: (() => void)[] | undefined;
  private deliveryGate: ((message: OutboundMessage) => boolean) | undefined;
  protected readonly stats: StreamingStatsCollector;
  protected readonly bufferLimit: number;
  protected readonly slowConsumer: SlowConsumerPolicy;

  protected constructor(init: ConnectionInit) {
    this.protocol = init.protocol;
    this.route = init.route;
    this.request = init.request;
    // The handshake's map is handed over, not copied: the handshake ends with the accept.
    this.values = init.values.size > 0 ? init.values : undefined;
    this.userId = deriveUserId(init.request.user);
    if (this.userId !== undefined && !this.values?.has('user_id'))
      (this.values ??= new Map()).set('user_id', this.userId);
    this.stats = init.stats;
    this.bufferLimit = init.bufferLimit;
    this.slowConsumer = init.slowConsumer;
    if (init.batching) {
      this.batcher = new MessageBatcher(init.batching, (chunks) => this.writeBatch(chunks));
    }
  }

  /**
   * Settles once the connection has closed. Created on first use: an idle connection that nobody
   * awaits carries no promise.
   */
  get closed(): Promise<CloseInfo> {
    if (!this.closedPromise) {
      const info = this.closeInfo;
      this.closedPromise = info
        ? Promise.resolve(info)
        : new Promise((resolve) => (this.resolveClosed = resolve));
    }
    return this.closedPromise;
  }

  /** When the connection opened (milliseconds since the epoch). */
  get openedAt(): number {
    return CLOCK_BASE + this.openedAfter;
  }

  get remoteAddr(): string {
    return this.request.ip;
  }

  get user(): unknown {
    return this.request.user;
  }

  get rooms(): ReadonlySet<string> {
    return this.roomSet ?? NO_ROOMS;
  }

  /** Created on first use (most connections never read it); aborted once closed. */
  get signal(): AbortSignal {
    if (!this.abortController) {
      this.abortController = new AbortController();
      if (this.closeInfo) this.abortController.abort(new ConnectionClosedError(this.closeInfo));
    }
    return this.abortController.signal;
  }

  /** The outbound queue, created when the first chunk has to wait. */
  private get queue(): OutboundQueue {
    return (this.queueInstance ??= new OutboundQueue());
  }

  get isClosed(): boolean {
    return this.closing || this.closeInfo !== undefined;
  }

  /** Whether the handler asked to keep the connection open after it returned. */
  get isKeptOpen(): boolean {
    return this.kept;
  }

  /** Bytes waiting: in the transport plus in the connection's own queue. */
  get bufferedAmount(): number {
    return (
      this.transportBufferedBytes() + (this.queueInstance?.bytes ?? 0) + (this.batcher?.bytes ?? 0)
    );
  }

  /** Called once by the registry when the connection is registered. */
  attach(hooks: ConnectionHooks): void {
    this.hooks = hooks;
  }

  /**
   * Adds the connection to a transport's set of open connections; it leaves the set when it
   * closes. A field rather than a callback: nothing is allocated per connection for it.
   */
  trackIn(connections: Set<BaseConnection>): void {
    if (this.closeInfo) return;
    this.tracker = connections;
    connections.add(this);
  }

  get<T = unknown>(key: string): T | undefined {
    return this.values?.get(key) as T | undefined;
  }

  set(key: string, value: unknown): void {
    const values = (this.values ??= new Map());
    const previous = values.get(key);
    values.set(key, value);
    if (previous !== value) this.hooks?.metaChanged(this, key, previous, value);
  }

  /** Context values whose value is a primitive (what the cluster registry shares). */
  primitiveValues(): Record<string, string | number | boolean> {
    const out: Record<string, string | number | boolean> = {};
    if (!this.values) return out;
    for (const [key, value] of this.values) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        out[key] = value;
      }
    }
    return out;
  }

  join(room: string): void {
    if (this.isClosed || this.roomSet?.has(room)) return;
    (this.roomSet ??= new Set()).add(room);
    this.hooks?.joined(this, room);
  }

  leave(room: string): void {
    if (!this.roomSet?.delete(room)) return;
    this.hooks?.left(this, room);
  }

  keepOpen(): void {
    this.kept = true;
  }

  send(message: unknown): Promise<void> {
    if (this.isClosed) return Promise.reject(new ConnectionClosedError(this.closeInfoOrDefault()));
    this.deliver(OutboundMessage.from(message));
    return SENT;
  }

  /**
   * Sends one value emitted by an Observable the handler returned. WebSocket and WebTransport send
   * it as a message; SSE overrides this to write an event.
   */
  emitValue(value: unknown): Promise<void> {
    return this.send(value);
  }

  /**
   * Hands one inbound message to a synchronous listener (`onMessage`); a listener that throws
   * ends the connection with 1011, as a failing handler would.
   */
  protected dispatchInbound<T>(listener: (value: T) => void, value: T): void {
    beginDispatchRun();
    try {
      listener(value);
    } catch {
      this.stats.errors += 1;
      this.close(CloseCode.InternalError, 'Internal server error');
    } finally {
      endDispatchRun();
    }
  }

  /** Resolves when the outbound buffer has drained below half the limit (or the connection closed). */
  drained(): Promise<void> {
    if (this.isClosed || this.bufferedAmount <= this.bufferLimit / 2) return Promise.resolve();
    this.watchDrain();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  close(code: number = CloseCode.Normal, reason = ''): void {
    if (this.isClosed) return;
    this.batcher?.flush();
    this.closing = true;
    this.transportClose(code, reason);
  }

  /**
   * Installs (or, with undefined, removes) a gate every delivery passes first: when it returns
   * true it has kept the message (to send it later itself) and the delivery counts as accepted.
   * Event gateways use it to hold a room's live events while missed ones are replayed.
   */
  setDeliveryGate(gate: ((message: OutboundMessage) => boolean) | undefined): void {
    this.deliveryGate = gate;
  }

  /**
   * Delivers an encoded message, applying batching and the slow-consumer policy.
   * Returns false when the message was dropped or the connection is closed.
   */
  deliver(message: OutboundMessage, context?: DeliveryContext): boolean {
    if (this.isClosed) return false;
    if (this.deliveryGate !== undefined && this.deliveryGate(message)) return true;
    const chunk = this.encode(message, context);
    if (chunk === undefined) return false;
    if (this.batcher) {
      this.batcher.add(chunk, chunkLength(chunk));
      return true;
    }
    return this.deliverChunk(chunk, chunkLength(chunk));
  }

  /** Writes an already-encoded chunk through the queue and the slow-consumer policy. */
  protected deliverChunk(chunk: OutboundChunk, bytes: number): boolean {
    if (this.isClosed) return false;
    const inTransport = this.transportBufferedBytes();
    const queued = this.queueInstance;
    if (
      (queued === undefined || queued.length === 0) &&
      (inTransport === 0 || inTransport + bytes <= this.bufferLimit)
    ) {
      this.writeToTransport(chunk, bytes);
      return true;
    }
    this.watchDrain();
    if (inTransport + this.queue.bytes + bytes <= this.bufferLimit) {
      this.queue.push(chunk, bytes);
      return true;
    }
    switch (this.slowConsumer) {
      case 'drop-newest':
        this.stats.droppedMessages += 1;
        return false;
      case 'disconnect':
        this.stats.droppedMessages += 1;
        this.stats.slowConsumerDisconnects += 1;
        this.close(CloseCode.PolicyViolation, 'slow consumer');
        return false;
      case 'drop-oldest': {
        this.queue.push(chunk, bytes);
        while (this.queue.length > 1 && inTransport + this.queue.bytes > this.bufferLimit) {
          this.queue.shift();
          this.stats.droppedMessages += 1;
        }
        return true;
      }
    }
  }

  private writeBatch(chunks: readonly { chunk: OutboundChunk; bytes: number }[]): void {
    this.beginBatch();
    try {
      for (const item of chunks) this.deliverChunk(item.chunk, item.bytes);
    } finally {
      this.endBatch();
    }
  }

  private writeToTransport(chunk: OutboundChunk, bytes: number): void {
    this.stats.messagesOut += 1;
    this.stats.bytesOut += bytes;
    this.transportWrite(chunk, bytes);
  }

  /** Transports call this when their buffer drained: queued chunks move on. */
  protected onTransportDrain(): void {
    const queue = this.queueInstance;
    while (queue !== undefined && queue.length > 0 && !this.isClosed) {
      const inTransport = this.transportBufferedBytes();
      if (inTransport > 0 && inTransport >= this.bufferLimit / 2) break;
      const item = queue.shift();
      if (!item) break;
      this.writeToTransport(item.chunk, item.bytes);
    }
    if (
      this.drainWaiters !== undefined &&
      this.drainWaiters.length > 0 &&
      this.bufferedAmount <= this.bufferLimit / 2
    ) {
      const waiters = this.drainWaiters;
      this.drainWaiters = undefined;
      for (const resolve of waiters) resolve();
    }
    if (
      !this.isClosed &&
      ((queue !== undefined && queue.length > 0) || this.drainWaiters !== undefined)
    ) {
      this.watchDrain();
    }
  }

  /**
   * Transports call this exactly when the underlying connection has closed: the signal aborts,
   * `closed` settles, the registry forgets the connection.
   */
  protected markClosed(info: CloseInfo): void {
    if (this.closeInfo) return;
    this.closeInfo = info;
    this.closing = true;
    this.queueInstance?.clear();
    this.batcher?.dispose();
    const waiters = this.drainWaiters ?? [];
    this.drainWaiters = undefined;
    for (const resolve of waiters) resolve();
    this.abortController?.abort(new ConnectionClosedError(info));
    this.tracker?.delete(this);
    this.tracker = undefined;
    this.hooks?.closed(this);
    const resolve = this.resolveClosed;
    this.resolveClosed = undefined;
    resolve?.(info);
  }

  /** How the connection closed, once it has. */
  protected get closeDetails(): CloseInfo | undefined {
    return this.closeInfo;
  }

  /** The close information, or a generic one while closing. */
  protected closeInfoOrDefault(): CloseInfo {
    return this.closeInfo ?? { code: CloseCode.GoingAway, reason: 'closing', byServer: true };
  }

  /**
   * Asks the transport to call {@link onTransportDrain} when its buffer drains. Transports that
   * listen permanently keep the default no-op.
   */
  protected watchDrain(): void {}

  /** Opens a write batch (transports cork their socket); default no-op. */
  protected beginBatch(): void {}

  /** Closes a write batch; default no-op. */
  protected endBatch(): void {}

  /** Encodes a message for this protocol, reusing the message's cached encodings. */
  protected abstract encode(
    message: OutboundMessage,
    context?: DeliveryContext,
  ): OutboundChunk | undefined;

  /** Bytes buffered inside the transport (socket buffer). */
  protected abstract transportBufferedBytes(): number;

  /** Writes one chunk (`bytes` long) to the transport. */
  protected abstract transportWrite(chunk: OutboundChunk, bytes: number): void;

  /** Starts closing the transport; must eventually call {@link markClosed}. */
  protected abstract transportClose(code: number, reason: string): void;
}
