import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BaseConnection,
  type ConnectionInit,
  type DeliveryContext,
} from '../../connection/base.connection.js';
import { OutboundMessage } from '../../connection/outbound-message.js';
import type { OutboundChunk } from '../../connection/outbound-queue.js';
import { CloseCode } from '../../errors/close-codes.js';
import { ConnectionClosedError } from '../../errors/connection-closed.error.js';
import type { SseContext, SseWriteOptions } from '../../interfaces/connection.interface.js';
import type { SseHistoryStore } from '../../interfaces/streaming-adapter.interface.js';
import {
  SSE_ERROR_EVENT,
  SSE_RESET_EVENT,
  assertSseField,
  assertSseRetry,
  encodeSseBody,
  encodeSseChunk,
  encodeSseComment,
  encodeSseData,
  ssePayloadText,
} from '../../wire/sse.codec.js';
import { streamAudience, type SseStreamIdentity } from './sse-audience.js';
import { broadcastBody, broadcastChunk } from './sse-broadcast-body.js';
import { toSseEvent } from './sse-event-value.js';
import { SseOutbox } from './sse-outbox.js';
import { SseResponseWriter } from './sse-response-writer.js';
import { replayMissedEvents } from './sse-resume.js';
import type { SseRouteOrder } from './sse-route-order.js';

/** What an SSE connection needs besides the common connection settings. */
export interface SseConnectionSettings {
  /** The route history (the adapter's). */
  readonly history: SseHistoryStore;
  /** The route's event order. */
  readonly order: SseRouteOrder;
  /** Events the route keeps for resume. */
  readonly historySize: number;
  /** `retry:` written first, in milliseconds. */
  readonly retryInterval: number;
  /** Heartbeat comment interval in milliseconds (0: none). */
  readonly heartbeatInterval: number;
  /** Extra response headers (route option). */
  readonly headers: Readonly<Record<string, string>>;
  /** The id the client resumes from (`Last-Event-ID` header or `?lastEventId=`). */
  readonly lastEventId: string | undefined;
}

/** Longest wait for pending history appends before a requested close goes ahead anyway. */
const CLOSE_FLUSH_LIMIT_MS = 2_000;

/**
 * A Server-Sent Events stream: the event order and ids of one connection. Writing to the HTTP
 * response is `SseResponseWriter`'s job, replaying a resumed stream `replayMissedEvents`'s.
 *
 * The head goes out on the first write, or right after the handler's synchronous start (so
 * `setHeader` works there). Every event carries an id: handler events without an explicit id get
 * the next id of the route's history and are recorded as private to this stream; broadcasts
 * carry the id their preparer got. Writes stay in id order (see `SseRouteOrder`), through the
 * outbox. A resuming stream replays what it missed before any live event, then goes live.
 * Backpressure is the writer's buffered bytes against `bufferSize`, with the slow-consumer
 * policy of `BaseConnection`.
 */
export class SseConnectionImpl extends BaseConnection implements SseContext {
  declare readonly protocol: 'sse';
  readonly lastEventId: string | undefined;
  private readonly writer: SseResponseWriter;
  private identity: SseStreamIdentity;
  private identityResolved: boolean;
  private readonly identityKnown: Promise<void>;
  private resolveIdentity: () => void = () => undefined;
  private waitingWrites = 0;
  private live: boolean;
  private readonly outbox = new SseOutbox();
  private replayedIds: ReadonlySet<string> | undefined;
  private ending: { code: number; reason: string } | undefined;
  private pendingClose: { code: number; reason: string } | undefined;
  private pendingCloseTimer: NodeJS.Timeout | undefined;
  private readonly flushLater = () => this.flush();
  private readonly kick = () => this.onTransportDrain();
  private kickScheduled = false;
  private readonly kickLater = () => {
    this.kickScheduled = false;
    this.onTransportDrain();
  };

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    init: ConnectionInit,
    private readonly settings: SseConnectionSettings,
  ) {
    super({ ...init, batching: undefined });
    this.writer = new SseResponseWriter(req, res, settings.retryInterval, this.stats, {
      flushed: () => this.onWriterFlushed(),
      drained: this.kick,
    });
    this.lastEventId = settings.lastEventId;
    this.identity = { streamKey: this.id, userId: this.userId };
    this.live = settings.lastEventId === undefined;
    this.identityResolved = this.live;
    this.identityKnown = this.live
      ? Promise.resolve()
      : new Promise<void>((resolve) => (this.resolveIdentity = resolve));
    for (const [name, value] of Object.entries(settings.headers)) res.setHeader(name, value);
    res.on('close', () => this.onResponseClose());
    res.on('drain', this.kick);
    res.on('error', () => undefined);
    setImmediate(() => this.begin());
  }

  writeSSE(event: string | undefined, data: unknown, options: SseWriteOptions = {}): Promise<void> {
    try {
      if (options.id !== undefined) assertSseField('id', options.id);
      if (options.retry !== undefined) assertSseRetry(options.retry);
      const body = encodeSseBody(event, encodeSseData(ssePayloadText(data)));
      return this.writeBody(body, options.id, options.retry);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  comment(text: string): void {
    if (this.isClosed) return;
    this.writer.writeText(encodeSseComment(text));
  }

  setHeader(name: string, value: string): void {
    this.writer.setHeader(name, value);
  }

  /** Writes an Observable emission: an `SseEvent`, a `StreamEvent`, or any value as `data`. */
  override emitValue(value: unknown): Promise<void> {
    const event = toSseEvent(value);
    return this.writeSSE(event.event, event.data, { id: event.id, retry: event.retry });
  }

  /** Sends a value as an event of this stream (a `StreamEvent` gives the event name). */
  override send(message: unknown): Promise<void> {
    if (this.isClosed) return Promise.reject(new ConnectionClosedError(this.closeInfoOrDefault()));
    try {
      return this.writeBody(broadcastBody(OutboundMessage.from(message)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Delivers a broadcast (with its id for this route) or, without an id, a message sent to this
   * connection alone (recorded as a private event).
   */
  override deliver(message: OutboundMessage, context?: DeliveryContext): boolean {
    if (this.isClosed) return false;
    const id = context?.sseIds?.[this.route];
    if (id === undefined) {
      this.send(message).catch(() => undefined);
      return true;
    }
    if (this.replayedIds?.has(id)) return true;
    const order = this.settings.order;
    const ticket = order.ticketOf(id) ?? order.next();
    if (this.live && this.outbox.length === 0 && !order.blocks(ticket)) {
      return super.deliver(message, context);
    }
    const chunk = broadcastChunk(message, id);
    if (chunk === undefined) return false;
    this.outbox.add(ticket, chunk, id);
    this.flush();
    return true;
  }

  /** Closes once pending events are written (bounded wait), then ends the response. */
  override close(code: number = CloseCode.Normal, reason = ''): void {
    if (this.isClosed) return;
    if (this.hasPendingEvents()) {
      if (!this.pendingClose) {
        this.pendingClose = { code, reason };
        this.pendingCloseTimer = setTimeout(() => this.closeNow(), CLOSE_FLUSH_LIMIT_MS);
        this.pendingCloseTimer.unref();
      }
      return;
    }
    super.close(code, reason);
  }

  /** Ends the stream after a failure: a documented `error` event, then the end of the response. */
  fail(code: number, message: string): void {
    if (this.isClosed) return;
    const body = encodeSseBody(SSE_ERROR_EVENT, encodeSseData(JSON.stringify({ message })));
    this.writeBody(body).then(
      () => this.close(code, message),
      () => {
        this.writer.writeText(body);
        this.closeNow(code, message);
      },
    );
  }

  /** Tells the client that live events may have been missed (cluster gap): a reset event. */
  resetStream(reason: string): void {
    if (this.isClosed) return;
    const body = encodeSseBody(SSE_RESET_EVENT, encodeSseData(JSON.stringify({ reason })));
    this.writeBody(body).catch(() => undefined);
  }

  /** Drops the response at once (shutdown deadline). */
  terminate(): void {
    if (!this.ending) this.ending = { code: CloseCode.GoingAway, reason: 'terminated' };
    this.writer.destroy();
  }

  protected encode(message: OutboundMessage, context?: DeliveryContext): OutboundChunk | undefined {
    const id = context?.sseIds?.[this.route];
    return id === undefined ? undefined : broadcastChunk(message, id);
  }

  protected transportBufferedBytes(): number {
    return this.writer.bufferedBytes;
  }

  protected transportWrite(chunk: OutboundChunk, bytes: number): void {
    this.writer.write(chunk, bytes);
  }

  protected transportClose(code: number, reason: string): void {
    this.ending = { code, reason };
    this.writer.end();
  }

  /**
   * A chunk had to wait in the connection's own queue. The response emits `drain` only after a
   * write it refused; below its high-water mark the queue moves on at the next turn instead.
   */
  protected override watchDrain(): void {
    if (this.kickScheduled || this.writer.needsDrain || this.isClosed) return;
    this.kickScheduled = true;
    setImmediate(this.kickLater);
  }

  /** The tick's text went out: chunks still queued here move on (unless the socket is full). */
  private onWriterFlushed(): void {
    const queued = this.bufferedAmount - this.transportBufferedBytes();
    if (queued > 0 && !this.isClosed) setImmediate(this.kick);
  }

  private begin(): void {
    if (this.isClosed) return;
    this.writer.writeHead();
    this.writer.startHeartbeat(this.settings.heartbeatInterval);
    if (!this.live) void this.resume(this.lastEventId as string);
  }

  /** Queues an event body; without `explicitId` it is recorded in history and gets its id there. */
  private writeBody(body: string, explicitId?: string, retry?: number): Promise<void> {
    if (this.isClosed) return Promise.reject(new ConnectionClosedError(this.closeInfoOrDefault()));
    if (this.identityResolved) return this.place(body, explicitId, retry);
    this.waitingWrites += 1;
    return this.identityKnown.then(() => {
      this.waitingWrites -= 1;
      return this.place(body, explicitId, retry);
    });
  }

  private place(body: string, explicitId: string | undefined, retry?: number): Promise<void> {
    if (this.isClosed) return Promise.reject(new ConnectionClosedError(this.closeInfoOrDefault()));
    const { order, history, historySize } = this.settings;
    if (explicitId !== undefined) {
      this.outbox.add(order.next(), encodeSseChunk(explicitId, body, retry), explicitId);
      this.flush();
      return Promise.resolve();
    }
    const item = this.outbox.add(order.next());
    let append: Promise<string>;
    try {
      append = history.append(this.route, body, streamAudience(this.identity), historySize);
    } catch (error) {
      append = Promise.reject(error);
    }
    return append.then(
      (id) => {
        item.id = id;
        item.chunk = encodeSseChunk(id, body, retry);
        this.flush();
      },
      (error: unknown) => {
        item.cancelled = true;
        this.flush();
        throw error;
      },
    );
  }

  /** Writes what can be written, in ticket order; finishes a requested close when done. */
  private flush(): void {
    if (!this.live || this.isClosed) return;
    const order = this.settings.order;
    for (let head = this.outbox.head; head; head = this.outbox.head) {
      if (head.cancelled) {
        this.outbox.shift();
        continue;
      }
      if (head.chunk === undefined) return;
      if (order.blocks(head.ticket)) {
        order.onRelease(this.flushLater);
        return;
      }
      this.outbox.shift();
      if (head.id !== undefined && this.replayedIds?.has(head.id)) continue;
      this.deliverChunk(head.chunk, Buffer.byteLength(head.chunk));
      if (this.isClosed) return;
    }
    if (this.pendingClose && !this.hasPendingEvents()) this.closeNow();
  }

  private hasPendingEvents(): boolean {
    return !this.live || this.outbox.length > 0 || this.waitingWrites > 0;
  }

  private closeNow(code?: number, reason?: string): void {
    const requested = this.pendingClose;
    this.pendingClose = undefined;
    clearTimeout(this.pendingCloseTimer);
    if (this.isClosed) return;
    super.close(code ?? requested?.code ?? CloseCode.Normal, reason ?? requested?.reason ?? '');
  }

  /** Replays what a resuming client missed (or sends a reset event), then goes live. */
  private async resume(lastEventId: string): Promise<void> {
    const { history, historySize } = this.settings;
    const outcome = await replayMissedEvents(
      {
        conn: this,
        route: this.route,
        history,
        historySize,
        identity: this.identity,
        write: (chunk) => this.deliverChunk(chunk, Buffer.byteLength(chunk)),
      },
      lastEventId,
    );
    this.identity = outcome.identity;
    this.goLive(outcome.replayed);
  }

  private goLive(replayed: ReadonlySet<string> | undefined): void {
    this.identityResolved = true;
    this.resolveIdentity();
    this.replayedIds = replayed;
    this.live = true;
    this.flush();
    if (this.replayedIds) this.forgetReplayedIds(this.settings.order.next());
  }

  /** Replayed ids matter only until the broadcasts in flight during the replay are delivered. */
  private forgetReplayedIds(horizon: number): void {
    if (this.isClosed || !this.settings.order.blocks(horizon)) {
      this.replayedIds = undefined;
      return;
    }
    this.settings.order.onRelease(() => this.forgetReplayedIds(horizon));
  }

  private onResponseClose(): void {
    this.writer.discard();
    clearTimeout(this.pendingCloseTimer);
    this.pendingClose = undefined;
    this.outbox.clear();
    this.replayedIds = undefined;
    this.settings.order.forget(this.flushLater);
    const info = this.ending
      ? { ...this.ending, byServer: true }
      : { code: CloseCode.GoingAway, reason: 'client disconnected', byServer: false };
    this.markClosed(info);
    this.identityResolved = true;
    this.resolveIdentity();
  }
}
