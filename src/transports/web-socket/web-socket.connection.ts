import { Observable, type Subscriber } from 'rxjs';
import type { Socket } from 'node:net';
import { BaseConnection, SENT, type ConnectionInit } from '../../connection/base.connection.js';
import { OutboundMessage } from '../../connection/outbound-message.js';
import type { OutboundChunk } from '../../connection/outbound-queue.js';
import {
  stampWrite,
  uncorkAfterThisJob,
  uncorkAtEndOfTick,
  wroteThisRun,
  wroteThisTick,
  type TickCorkable,
  type WriteStamp,
} from '../../connection/tick-corker.js';
import { CloseCode } from '../../errors/close-codes.js';
import { ConnectionClosedError } from '../../errors/connection-closed.error.js';
import {
  MessageType,
  type WebSocketConnection,
  type WebSocketMessage,
} from '../../interfaces/connection.interface.js';
import type { MessageRateLimitOptions } from '../../interfaces/streaming-config.interface.js';
import { InboundMessageQueue } from '../../connection/inbound-message-queue.js';
import type { ForgeWebSocket, WebSocketEventSink } from './forge-web-socket.js';
import type { HeartbeatMember, HeartbeatScheduler } from './heartbeat-scheduler.js';

/** Limits of one WebSocket connection. */
export interface WebSocketConnectionLimits {
  /** Inbound bytes queued before reading pauses. */
  readonly readBufferSize: number;
  /** The shared heartbeat timer (absent when `pingPeriod` is 0: no heartbeat). */
  readonly heartbeat: HeartbeatScheduler | undefined;
  /** Inbound message-rate limit. */
  readonly messageRateLimit: MessageRateLimitOptions | undefined;
}

const MAX_REASON_BYTES = 123;
/**
 * Largest inbound text whose bytes are kept for an echo (until the next message): small enough
 * that what a connection holds for it stays negligible.
 */
const MAX_ECHO_BYTES = 4096;

/** Bits of `WebSocketConnectionImpl.state` (one field instead of five booleans per connection). */
const COMPRESSED = 1;
const CORKED = 2;
const DRAIN_WATCHED = 4;
const PAUSED = 8;
const CLOSED_BY_SERVER = 16;

/** The inbound message-rate window of a connection with a rate limit. */
interface RateWindow {
  start: number;
  count: number;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_REASON_BYTES) return reason;
  let out = reason;
  while (Buffer.byteLength(out) > MAX_REASON_BYTES) out = out.slice(0, -1);
  return out;
}

/**
 * A WebSocket connection on a `ws` socket. Outbound frames are built once per message (and once
 * per broadcast) and written straight to the TCP socket, corked lazily per tick; with permessage-deflate
 * negotiated, writes go through `ws` so compression stays in order.
 */
export class WebSocketConnectionImpl
  extends BaseConnection
  implements WebSocketConnection, TickCorkable, HeartbeatMember, WebSocketEventSink
{
  declare readonly protocol: 'websocket';
  private inboundQueue: InboundMessageQueue<WebSocketMessage> | undefined;
  private observers: Set<Subscriber<WebSocketMessage>> | undefined;
  /** Flag bits: COMPRESSED, CORKED, DRAIN_WATCHED, PAUSED, CLOSED_BY_SERVER. */
  private state = 0;
  /** Heartbeat tick of the last sign of life. */
  private aliveTick = 0;
  /** Heartbeat tick the outstanding ping was sent at; -1 when none is. */
  private pingTick = -1;
  private rateWindow: RateWindow | undefined;
  private observable: Observable<WebSocketMessage> | undefined;
  /** The synchronous message listener (`onMessage`), if any. */
  private listener: ((message: WebSocketMessage) => void) | undefined;
  /** The last small inbound text and its bytes: writing that same text back reuses the bytes. */
  private echoText: string | undefined;
  private echoBytes: Buffer | undefined;
  /** When the last direct socket write happened (lazy corking: a second one in its turn corks). */
  private readonly lastWrite: WriteStamp = { run: 0, tick: 0 };

  constructor(
    private readonly ws: ForgeWebSocket,
    init: ConnectionInit,
    private readonly limits: WebSocketConnectionLimits,
  ) {
    super(init);
    if (ws.extensions.includes('permessage-deflate')) this.state |= COMPRESSED;
    ws.sink = this;
    if (limits.heartbeat) this.aliveTick = limits.heartbeat.ticks;
  }

  /** The TCP socket under `ws` (read through it rather than kept in a field of its own). */
  private get socket(): Socket {
    return (this.ws as unknown as { _socket: Socket })._socket;
  }

  /** Whether a bit of `state` is set. */
  private has(flag: number): boolean {
    return (this.state & flag) !== 0;
  }

  /** Sets or clears a bit of `state`. */
  private setFlag(flag: number, on: boolean): void {
    this.state = on ? this.state | flag : this.state & ~flag;
  }

  get subprotocol(): string {
    return this.ws.protocol;
  }

  /** Inbound messages waiting to be read; created when the first one arrives or is awaited. */
  private get inbound(): InboundMessageQueue<WebSocketMessage> {
    if (!this.inboundQueue) {
      this.inboundQueue = new InboundMessageQueue<WebSocketMessage>();
      const ended = this.closeDetails;
      if (ended) this.inboundQueue.close(ended);
    }
    return this.inboundQueue;
  }

  readMessage(): Promise<WebSocketMessage> {
    const next = this.inbound.next();
    this.resumeIfDrained();
    return next;
  }

  writeMessage(type: MessageType, data: string | Uint8Array): Promise<void> {
    if (this.isClosed) return Promise.reject(new ConnectionClosedError(this.closeInfoOrDefault()));
    const message =
      type === MessageType.Binary
        ? OutboundMessage.binary(typeof data === 'string' ? Buffer.from(data) : data)
        : typeof data === 'string'
          ? this.textMessage(data)
          : OutboundMessage.text(Buffer.from(data).toString('utf8'));
    this.deliver(message);
    return SENT;
  }

  /** A text message; an echo of the last inbound text is framed from the bytes that carried it. */
  private textMessage(text: string): OutboundMessage {
    const bytes = this.echoBytes;
    if (bytes === undefined || text !== this.echoText) return OutboundMessage.text(text);
    this.echoText = undefined;
    this.echoBytes = undefined;
    return OutboundMessage.textWithBytes(text, bytes);
  }

  sendJSON(value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    return this.writeMessage(MessageType.Text, json === undefined ? 'null' : json);
  }

  onMessage(listener: (message: WebSocketMessage) => void): () => void {
    this.keepOpen();
    this.listener = listener;
    const queued = this.inboundQueue?.drain() ?? [];
    for (const message of queued) {
      if (this.listener !== listener || this.isClosed) break;
      this.dispatchInbound(listener, message);
    }
    this.resumeIfPaused();
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  get messages$(): Observable<WebSocketMessage> {
    if (!this.observable) {
      this.observable = new Observable<WebSocketMessage>((subscriber) => {
        if (this.isClosed && (this.inboundQueue?.bytes ?? 0) === 0) {
          subscriber.complete();
          return undefined;
        }
        for (const message of this.inbound.drain()) subscriber.next(message);
        (this.observers ??= new Set()).add(subscriber);
        this.resumeIfPaused();
        return () => {
          this.observers?.delete(subscriber);
        };
      });
    }
    return this.observable;
  }

  /**
   * Iterates inbound messages until the connection closes. A plain iterator whose steps resolve
   * with iterator results straight from the inbound queue (no async generator, no `then` on top:
   * one promise per message on the hot path).
   */
  [Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    return {
      next: () => {
        const next = this.inbound.nextResult();
        this.resumeIfDrained();
        return next;
      },
      return: () => Promise.resolve(DONE),
    };
  }

  /** Ends the per-tick write batch. */
  uncorkTick(): void {
    this.setFlag(CORKED, false);
    this.socket.uncork();
  }

  protected encode(message: OutboundMessage): OutboundChunk {
    if (this.has(COMPRESSED)) return message.binary ? message.bytes : message.text;
    return message.webSocketFrame();
  }

  protected transportBufferedBytes(): number {
    return this.has(COMPRESSED) ? this.ws.bufferedAmount : this.socket.writableLength;
  }

  protected transportWrite(chunk: OutboundChunk): void {
    if (this.has(COMPRESSED)) {
      this.ws.send(chunk, { compress: true, binary: typeof chunk !== 'string' });
      return;
    }
    // Lazy corking: a lone reply or broadcast is one direct write. A write that is not alone
    // corks the socket: a second write in the same callback run, a write while further inbound
    // messages of this read wait for their answers (queued, or not parsed yet), until the end of
    // the job; a second write in a tracked broadcast turn, until the end of the tick, so the
    // broadcasts of several requests leave together.
    if (!this.has(CORKED)) {
      if (
        wroteThisRun(this.lastWrite) ||
        (this.inboundQueue?.bytes ?? 0) > 0 ||
        this.ws.unparsedBytes > 0
      ) {
        this.cork();
        uncorkAfterThisJob(this);
      } else if (wroteThisTick(this.lastWrite)) {
        this.corkUntilEndOfTick();
      } else {
        stampWrite(this.lastWrite);
      }
    }
    this.socket.write(chunk);
  }

  private cork(): void {
    this.setFlag(CORKED, true);
    this.socket.cork();
  }

  /** Corks the socket; the shared end-of-tick flush uncorks it. */
  private corkUntilEndOfTick(): void {
    this.cork();
    uncorkAtEndOfTick(this);
  }

  /** Listens for the socket's next `drain` (only while something waits for it). */
  protected override watchDrain(): void {
    if (this.has(DRAIN_WATCHED)) return;
    this.setFlag(DRAIN_WATCHED, true);
    this.socket.once('drain', () => {
      this.setFlag(DRAIN_WATCHED, false);
      this.onTransportDrain();
    });
  }

  protected override beginBatch(): void {
    if (!this.has(COMPRESSED) && !this.has(CORKED)) this.corkUntilEndOfTick();
  }

  protected transportClose(code: number, reason: string): void {
    this.setFlag(CLOSED_BY_SERVER, true);
    try {
      this.ws.close(code, truncateReason(reason));
    } catch {
      this.ws.terminate();
    }
  }

  /** Drops the connection without a close handshake (dead peers, shutdown deadline). */
  terminate(): void {
    this.setFlag(CLOSED_BY_SERVER, true);
    this.ws.terminate();
  }

  /** An inbound message (from the socket). */
  onSocketMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    const buffer = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    this.stats.messagesIn += 1;
    this.stats.bytesIn += buffer.byteLength;
    this.markAlive();
    if (this.isClosed) return;
    if (this.limits.messageRateLimit && !this.withinRate(this.limits.messageRateLimit)) {
      this.close(CloseCode.PolicyViolation, 'message rate limit exceeded');
      return;
    }
    const message: WebSocketMessage = isBinary
      ? { type: MessageType.Binary, data: buffer }
      : { type: MessageType.Text, data: buffer.toString('utf8') };
    if (isBinary || buffer.byteLength > MAX_ECHO_BYTES) {
      this.echoText = undefined;
      this.echoBytes = undefined;
    } else {
      this.echoText = message.data as string;
      this.echoBytes = buffer;
    }
    const listener = this.listener;
    if (listener !== undefined) {
      this.dispatchInbound(listener, message);
      return;
    }
    if (this.observers !== undefined && this.observers.size > 0) {
      for (const observer of this.observers) observer.next(message);
      return;
    }
    this.inbound.push(message, buffer.byteLength);
    if (!this.has(PAUSED) && this.inbound.bytes > this.limits.readBufferSize) {
      this.setFlag(PAUSED, true);
      this.ws.pause();
    }
  }

  /** Resumes reading once a reader took the inbound backlog below half the limit. */
  private resumeIfDrained(): void {
    if (this.has(PAUSED) && this.inbound.bytes <= this.limits.readBufferSize / 2) {
      this.setFlag(PAUSED, false);
      this.ws.resume();
    }
  }

  private resumeIfPaused(): void {
    if (this.has(PAUSED)) {
      this.setFlag(PAUSED, false);
      this.ws.resume();
    }
  }

  private withinRate(limit: MessageRateLimitOptions): boolean {
    const now = Date.now();
    const window = (this.rateWindow ??= { start: now, count: 0 });
    if (now - window.start >= limit.windowMs) {
      window.start = now;
      window.count = 0;
    }
    window.count += 1;
    return window.count <= limit.messages;
  }

  /** Pings when due; drops the peer when the pong is overdue (not while reading is paused by us). */
  heartbeat(tick: number): void {
    const scheduler = this.limits.heartbeat;
    if (this.isClosed || this.has(PAUSED) || !scheduler) return;
    if (this.pingTick >= 0) {
      if (tick - this.pingTick >= scheduler.pongWaitTicks) this.terminate();
      return;
    }
    if (tick - this.aliveTick < scheduler.pingAfterTicks) return;
    try {
      this.ws.ping();
    } catch {
      return;
    }
    this.pingTick = tick;
  }

  /** A socket error (the socket closes next). */
  onError(): void {
    this.stats.errors += 1;
  }

  /** A pong arrived. */
  onPong(): void {
    this.markAlive();
  }

  /** Any sign of life from the peer: the pong wait ends and the next ping is due a period later. */
  private markAlive(): void {
    const scheduler = this.limits.heartbeat;
    if (scheduler === undefined) return;
    this.pingTick = -1;
    this.aliveTick = scheduler.ticks;
  }

  /** The socket closed. */
  onClose(code: number, reason: Buffer): void {
    const info = { code, reason: reason.toString('utf8'), byServer: this.has(CLOSED_BY_SERVER) };
    this.inboundQueue?.close(info);
    const observers = this.observers;
    this.observers = undefined;
    if (observers) for (const observer of observers) observer.complete();
    this.markClosed(info);
  }
}
