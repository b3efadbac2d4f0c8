import type { Logger } from '@nestjs/common';
import { isObservable, type Observable, type Subscription } from 'rxjs';
import type { BaseConnection } from '../connection/base.connection.js';
import { CloseCode } from '../errors/close-codes.js';
import type {
  WebSocketConnection,
  WebSocketMessage,
  WebTransportSession,
} from '../interfaces/connection.interface.js';
import type { ReservedEventsHandler } from '../interfaces/gateway-protocol.interface.js';
import type { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';
import type { EnvelopeCodec } from '../wire/envelope-codec.js';
import {
  MessageErrorCode,
  isEventEnvelope,
  type EventEnvelope,
  type MessageError,
  type MessageId,
} from '../wire/envelope.js';
import { BadMessageBudget } from './bad-message-budget.js';
import type { CompiledGateway } from './compiled-gateway.js';
import { GatewayChannel } from './gateway-channel.js';
import { GatewayConnectionHandle } from './gateway-connection.js';
import { badMessage, isMappedException, toMessageError, unknownEvent } from './message-error.js';
import type { CompiledMessageHandler } from './message-handler.compiler.js';
import { isThenable } from './message-params.js';

/** Starts timing a handler; the function returned reports its duration once it settled. */
function timer(sink: NonNullable<StreamingStatsCollector['latency']>, event: string): () => void {
  const started = performance.now();
  return () => sink.message(event, (performance.now() - started) / 1000);
}

const TOO_MANY_PENDING: MessageError = {
  status: 429,
  code: MessageErrorCode.RateLimited,
  message: 'Too many events still being handled',
};

/**
 * One gateway connection's message loop, on the connection's synchronous message path: each
 * frame is decoded, routed by event name and run through its handler's compiled pipeline; the
 * result is the reply when the event carried an `id`. A promise exists per message only when a
 * step of the pipeline is asynchronous. Bad frames get error replies until the connection's
 * budget is spent (then 1008); handler errors become error replies and never close the
 * connection by themselves.
 */
export class GatewaySession {
  readonly channel: GatewayChannel;
  readonly handle: GatewayConnectionHandle;
  private readonly budget: BadMessageBudget;
  private subscriptions: Set<Subscription> | undefined;

  constructor(
    private readonly conn: BaseConnection,
    codec: EnvelopeCodec,
    private readonly gateway: CompiledGateway,
    private readonly reserved: ReservedEventsHandler | undefined,
    private readonly logger: Logger,
    private readonly stats?: Pick<StreamingStatsCollector, 'latency'>,
  ) {
    this.channel = new GatewayChannel(conn, codec);
    this.handle = new GatewayConnectionHandle(this.channel);
    this.budget = new BadMessageBudget(
      gateway.limits.maxBadMessages,
      gateway.limits.badMessageWindowMs,
    );
  }

  /**
   * Opens the session: the reserved-events handler's `onOpen`, the `@OnConnect` handlers, then
   * the message loop (frames that arrive meanwhile wait in the connection's inbound queue).
   * Resolves (or returns, when every step is synchronous) once messages are being handled.
   */
  start(): void | Promise<void> {
    void this.conn.closed.then((info) => this.end(info));
    const steps: (() => unknown)[] = [];
    if (this.reserved?.onOpen) {
      const reserved = this.reserved;
      steps.push(() => reserved.onOpen?.(this.channel));
    }
    for (const onConnect of this.gateway.onConnect) steps.push(() => onConnect(this.handle));
    return this.runSteps(steps, 0);
  }

  private runSteps(steps: readonly (() => unknown)[], from: number): void | Promise<void> {
    for (let i = from; i < steps.length; i += 1) {
      if (this.conn.isClosed) return;
      const result = steps[i]();
      if (isThenable(result)) {
        return Promise.resolve(result).then(() => this.runSteps(steps, i + 1));
      }
    }
    this.listen();
  }

  private listen(): void {
    if (this.conn.isClosed) return;
    if (this.conn.protocol === 'websocket') {
      (this.conn as unknown as WebSocketConnection).onMessage((message: WebSocketMessage) =>
        this.onFrame(message.data),
      );
    } else {
      (this.conn as unknown as WebTransportSession).onMessage((data: Uint8Array) =>
        this.onFrame(data),
      );
    }
  }

  /** One inbound frame. */
  onFrame(frame: string | Uint8Array): void {
    const envelope = this.channel.codec.decode(frame);
    if (envelope === undefined) {
      this.rejectFrame(undefined, badMessage('Not a message envelope'));
      return;
    }
    if (!('event' in envelope)) {
      this.channel.settle(envelope);
      return;
    }
    if (!isEventEnvelope(envelope)) return; // a client's `$error`: nothing to answer
    if (envelope.event.charCodeAt(0) === 36 /* $ */) {
      this.handleReserved(envelope);
      return;
    }
    const handler = this.gateway.handlers.get(envelope.event);
    if (handler === undefined) {
      this.rejectFrame(envelope.id, unknownEvent(envelope.event));
      return;
    }
    this.run(handler, envelope);
  }

  private rejectFrame(id: MessageId | undefined, error: MessageError): void {
    if (!this.budget.spend()) {
      this.conn.close(CloseCode.PolicyViolation, 'too many bad messages');
      return;
    }
    this.channel.sendError(id, error);
  }

  private handleReserved(envelope: EventEnvelope): void {
    const reserved = this.reserved;
    if (reserved === undefined) {
      this.rejectFrame(envelope.id, unknownEvent(envelope.event));
      return;
    }
    let result: unknown;
    try {
      result = reserved.handle(this.channel, envelope);
    } catch (error) {
      this.replyFailure(envelope, error, `reserved event ${envelope.event}`);
      return;
    }
    this.settleResult(envelope, result, `reserved event ${envelope.event}`);
  }

  private run(handler: CompiledMessageHandler, envelope: EventEnvelope): void {
    // While as many handlers as allowed are still running for this connection, further events
    // are refused unrun: a client cannot pile up work that never settles.
    if (this.channel.pendingReplies >= this.gateway.limits.maxPendingReplies) {
      this.channel.sendError(envelope.id, TOO_MANY_PENDING);
      return;
    }
    const sink = this.stats?.latency;
    const settled = sink ? timer(sink, envelope.event) : undefined;
    let result: unknown;
    try {
      result = handler.invoke(this.handle, envelope);
    } catch (error) {
      this.fail(handler, envelope, error);
      settled?.();
      return;
    }
    if (isThenable(result) || isObservable(result)) {
      this.track(
        envelope,
        result,
        handler.source,
        (error) => this.fail(handler, envelope, error),
        settled,
      );
      return;
    }
    if (envelope.id !== undefined) this.reply(envelope.id, envelope, result, handler.source);
    settled?.();
  }

  /** A value, promise or Observable settles into the reply (an Observable's last value). */
  private settleResult(envelope: EventEnvelope, result: unknown, source: string): void {
    if (isThenable(result) || isObservable(result)) {
      this.track(envelope, result, source, (error) => this.replyFailure(envelope, error, source));
      return;
    }
    if (envelope.id !== undefined) this.reply(envelope.id, envelope, result, source);
  }

  /**
   * Sends the reply to a request. A value the codec cannot encode went out as the `INTERNAL`
   * error reply instead (the connection stays open); the cause is logged here, once.
   */
  private reply(id: MessageId, envelope: EventEnvelope, value: unknown, source: string): void {
    const refused = this.channel.reply(id, value);
    if (refused !== undefined) this.logUnencodable(refused, envelope, source);
  }

  private logUnencodable(error: Error, envelope: EventEnvelope, source: string): void {
    this.logger.error(
      `${source} failed on event "${envelope.event}": ${error.message}`,
      error.stack,
    );
  }

  /** Waits for an asynchronous result; the wait counts against the pending-replies bound. */
  private track(
    envelope: EventEnvelope,
    result: PromiseLike<unknown> | Observable<unknown>,
    source: string,
    onError: (error: unknown) => void,
    settled?: () => void,
  ): void {
    this.channel.pendingReplies += 1;
    const done = (value: unknown) => {
      this.channel.pendingReplies -= 1;
      if (envelope.id !== undefined && !this.conn.isClosed) {
        this.reply(envelope.id, envelope, value, source);
      }
      settled?.();
    };
    const failed = (error: unknown) => {
      this.channel.pendingReplies -= 1;
      if (!this.conn.isClosed) onError(error);
      settled?.();
    };
    if (isObservable(result)) {
      this.lastValue(result, done, failed);
      return;
    }
    result.then(done, failed);
  }

  /** Subscribes until completion (the last value is the reply); unsubscribed on close. */
  private lastValue(
    source: Observable<unknown>,
    done: (value: unknown) => void,
    failed: (error: unknown) => void,
  ): void {
    let last: unknown;
    const subscriptions = (this.subscriptions ??= new Set());
    let subscription: Subscription | undefined = undefined;
    let finished = false;
    subscription = source.subscribe({
      next: (value) => (last = value),
      error: (error: unknown) => {
        finished = true;
        if (subscription) subscriptions.delete(subscription);
        failed(error);
      },
      complete: () => {
        finished = true;
        if (subscription) subscriptions.delete(subscription);
        done(last);
      },
    });
    if (!finished) subscriptions.add(subscription);
  }

  /** A handler failed: its exception filters first, then the default mapping. */
  private fail(handler: CompiledMessageHandler, envelope: EventEnvelope, error: unknown): void {
    let handled: unknown;
    try {
      handled = handler.recover(error, this.handle, envelope);
    } catch (thrown) {
      // A filter that rethrows a mapped exception chose the answer; a filter that broke (an HTTP
      // filter reaching for a response) leaves the original error to the default mapping.
      this.replyFailure(envelope, isMappedException(thrown) ? thrown : error, handler.source);
      return;
    }
    if (handled === undefined) {
      this.replyFailure(envelope, error, handler.source);
      return;
    }
    this.settleResult(envelope, handled, handler.source);
  }

  private replyFailure(envelope: EventEnvelope, error: unknown, source: string): void {
    const mapped = toMessageError(error);
    if (mapped.internal) {
      const stack = error instanceof Error ? error.stack : String(error);
      this.logger.error(`${source} failed on event "${envelope.event}"`, stack);
    }
    if (this.conn.isClosed) return;
    const refused = this.channel.sendError(envelope.id, mapped.error);
    if (refused !== undefined) this.logUnencodable(refused, envelope, source);
  }

  /** The connection closed: pending requests rejected, subscriptions ended, `@OnDisconnect`. */
  private end(info: Parameters<GatewayChannel['dispose']>[0]): void {
    this.channel.dispose(info);
    const subscriptions = this.subscriptions;
    this.subscriptions = undefined;
    if (subscriptions) for (const subscription of subscriptions) subscription.unsubscribe();
    for (const onDisconnect of this.gateway.onDisconnect) {
      try {
        const result = onDisconnect(this.handle);
        if (isThenable(result)) {
          Promise.resolve(result).catch((error: unknown) => this.logDisconnectError(error));
        }
      } catch (error) {
        this.logDisconnectError(error);
      }
    }
  }

  private logDisconnectError(error: unknown): void {
    const stack = error instanceof Error ? error.stack : String(error);
    this.logger.error(`${this.gateway.name} @OnDisconnect failed`, stack);
  }
}
