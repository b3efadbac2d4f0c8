import { Observable, type Subscriber } from 'rxjs';
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { BaseConnection, type ConnectionInit } from '../../core/base-connection.js';
import { OutboundMessage } from '../../core/outbound-message.js';
import type { OutboundChunk } from '../../core/outbound-queue.js';
import { uncorkAtEndOfTick, type TickCorkable } from '../../core/tick-corker.js';
import { CloseCode } from '../../errors/close-codes.js';
import { ConnectionClosedError } from '../../errors/connection-closed.error.js';
import {
  MessageType,
  type WebSocketConnection,
  type WebSocketMessage,
} from '../../interfaces/connection.interface.js';
import type { MessageRateLimitOptions } from '../../interfaces/streaming-config.interface.js';
import { InboundMessageQueue } from './inbound-message-queue.js';
import type { HeartbeatMember, HeartbeatScheduler } from './heartbeat-scheduler.js';

/** Limits of one WebSocket connection. */
export interface WebSocketConnectionLimits {
  /** Inbound bytes queued before reading pauses. */
  readonly readBufferSize: number;
  /** Ping interval (0 = no heartbeat). */
  readonly pingPeriod: number;
  /** The shared heartbeat timer (absent when `pingPeriod` is 0). */
  readonly heartbeat: HeartbeatScheduler | undefined;
  /** Time allowed for the pong. */
  readonly pongWait: number;
  /** Inbound message-rate limit. */
  readonly messageRateLimit: MessageRateLimitOptions | undefined;
}

const MAX_REASON_BYTES = 123;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

function messageResult(value: WebSocketMessage): IteratorYieldResult<WebSocketMessage> {
  return { done: false, value };
}

function endOnClose(error: unknown): IteratorReturnResult<undefined> {
  if (error instanceof ConnectionClosedError) return DONE;
  throw error;
}

function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_REASON_BYTES) return reason;
  let out = reason;
  while (Buffer.byteLength(out) > MAX_REASON_BYTES) out = out.slice(0, -1);
  return out;
}

/**
 * A WebSocket connection on a `ws` socket. Outbound frames are built once per message (and once
 * per broadcast) and written straight to the TCP socket, corked per tick; with permessage-deflate
 * negotiated, writes go through `ws` so compression stays in order.
 */
export class WebSocketConnectionImpl
  extends BaseConnection
  implements WebSocketConnection, TickCorkable, HeartbeatMember
{
  declare readonly protocol: 'websocket';
  private readonly socket: Socket;
  private readonly compressed: boolean;
  private readonly inbound = new InboundMessageQueue<WebSocketMessage>();
  private observers: Set<Subscriber<WebSocketMessage>> | undefined;
  private corked = false;
  private paused = false;
  private serverInitiatedClose = false;
  private nextPingAt = 0;
  private pongDeadline = 0;
  private rateWindowStart = 0;
  private rateCount = 0;
  private observable: Observable<WebSocketMessage> | undefined;

  constructor(
    private readonly ws: WebSocket,
    init: ConnectionInit,
    private readonly limits: WebSocketConnectionLimits,
  ) {
    super(init);
    this.socket = (ws as unknown as { _socket: Socket })._socket;
    this.compressed = ws.extensions.includes('permessage-deflate');
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) =>
      this.onMessage(data, isBinary),
    );
    ws.on('close', (code: number, reason: Buffer) => this.onClose(code, reason));
    ws.on('error', () => {
      this.stats.errors += 1;
    });
    ws.on('pong', () => this.onPong());
    this.socket.on('drain', () => this.onTransportDrain());
    if (limits.heartbeat && limits.pingPeriod > 0) {
      this.nextPingAt = Date.now() + limits.pingPeriod;
      limits.heartbeat.add(this);
    }
  }

  get subprotocol(): string {
    return this.ws.protocol;
  }

  readMessage(): Promise<WebSocketMessage> {
    const next = this.inbound.next();
    if (this.paused && this.inbound.bytes <= this.limits.readBufferSize / 2) {
      this.paused = false;
      this.ws.resume();
    }
    return next;
  }

  writeMessage(type: MessageType, data: string | Uint8Array): Promise<void> {
    if (this.isClosed) return Promise.reject(new ConnectionClosedError(this.closeInfoOrDefault()));
    const message =
      type === MessageType.Binary
        ? OutboundMessage.binary(typeof data === 'string' ? Buffer.from(data) : data)
        : OutboundMessage.text(
            typeof data === 'string' ? data : Buffer.from(data).toString('utf8'),
          );
    this.deliver(message);
    return Promise.resolve();
  }

  sendJSON(value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    return this.writeMessage(MessageType.Text, json === undefined ? 'null' : json);
  }

  get messages$(): Observable<WebSocketMessage> {
    if (!this.observable) {
      this.observable = new Observable<WebSocketMessage>((subscriber) => {
        if (this.isClosed && this.inbound.bytes === 0) {
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
   * Iterates inbound messages until the connection closes. A plain iterator over `readMessage`
   * (no async generator: one promise per message on the hot path).
   */
  [Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    return {
      next: () => this.readMessage().then(messageResult, endOnClose),
      return: () => Promise.resolve(DONE),
    };
  }

  /** Ends the per-tick write batch. */
  uncorkTick(): void {
    this.corked = false;
    this.socket.uncork();
  }

  protected encode(message: OutboundMessage): OutboundChunk {
    if (this.compressed) return message.binary ? message.bytes : message.text;
    return message.webSocketFrame();
  }

  protected transportBufferedBytes(): number {
    return this.compressed ? this.ws.bufferedAmount : this.socket.writableLength;
  }

  protected transportWrite(chunk: OutboundChunk): void {
    if (this.compressed) {
      this.ws.send(chunk, { compress: true, binary: typeof chunk !== 'string' });
      return;
    }
    // Every write of a tick joins one writev: several broadcasts (or a broadcast and the
    // handler's own messages) in one tick reach the socket in a single syscall.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      uncorkAtEndOfTick(this);
    }
    this.socket.write(chunk);
  }

  protected override beginBatch(): void {
    if (!this.compressed && !this.corked) {
      this.corked = true;
      this.socket.cork();
      uncorkAtEndOfTick(this);
    }
  }

  protected transportClose(code: number, reason: string): void {
    this.serverInitiatedClose = true;
    try {
      this.ws.close(code, truncateReason(reason));
    } catch {
      this.ws.terminate();
    }
  }

  /** Drops the connection without a close handshake (dead peers, shutdown deadline). */
  terminate(): void {
    this.serverInitiatedClose = true;
    this.ws.terminate();
  }

  private onMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
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
    if (this.observers !== undefined && this.observers.size > 0) {
      for (const observer of this.observers) observer.next(message);
      return;
    }
    this.inbound.push(message, buffer.byteLength);
    if (!this.paused && this.inbound.bytes > this.limits.readBufferSize) {
      this.paused = true;
      this.ws.pause();
    }
  }

  private resumeIfPaused(): void {
    if (this.paused) {
      this.paused = false;
      this.ws.resume();
    }
  }

  private withinRate(limit: MessageRateLimitOptions): boolean {
    const now = Date.now();
    if (now - this.rateWindowStart >= limit.windowMs) {
      this.rateWindowStart = now;
      this.rateCount = 0;
    }
    this.rateCount += 1;
    return this.rateCount <= limit.messages;
  }

  /** Pings when due; drops the peer when the pong is overdue (not while reading is paused by us). */
  heartbeat(now: number): void {
    if (this.isClosed || this.paused) return;
    if (this.pongDeadline !== 0) {
      if (now >= this.pongDeadline) this.terminate();
      return;
    }
    if (now < this.nextPingAt) return;
    try {
      this.ws.ping();
    } catch {
      return;
    }
    this.pongDeadline = now + this.limits.pongWait;
  }

  private onPong(): void {
    this.markAlive();
  }

  /** Any sign of life from the peer: the pong wait ends and the next ping is due a period later. */
  private markAlive(): void {
    this.pongDeadline = 0;
    this.nextPingAt = Date.now() + this.limits.pingPeriod;
  }

  private onClose(code: number, reason: Buffer): void {
    this.limits.heartbeat?.delete(this);
    const info = { code, reason: reason.toString('utf8'), byServer: this.serverInitiatedClose };
    this.inbound.close(info);
    const observers = this.observers;
    this.observers = undefined;
    if (observers) for (const observer of observers) observer.complete();
    this.markClosed(info);
  }
}
