import { ConnectionClosedError } from '../errors/connection-closed.error.js';
import type { CloseInfo } from '../interfaces/connection.interface.js';

/** A waiting `readMessage()`: resolved with the message, rejected once the connection closed. */
interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * A waiting `for await` step: the promise's own resolve function, resolved with the iterator
 * result itself (no wrapper object, one promise a message).
 */
type IteratorWaiter<T> = (result: IteratorResult<T, undefined>) => void;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Inbound messages waiting for `readMessage()`, with a byte count so the transport can pause
 * reading (TCP backpressure) instead of buffering without bound.
 */
export class InboundMessageQueue<T> {
  private items: { value: T; bytes: number }[] = [];
  private waiters: (Waiter<T> | IteratorWaiter<T>)[] = [];
  private closeInfo: CloseInfo | undefined;
  /** Bytes queued. */
  bytes = 0;

  /** Hands a message to a waiting reader or queues it. */
  push(value: T, bytes: number): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      if (typeof waiter === 'function') waiter({ done: false, value });
      else waiter.resolve(value);
      return;
    }
    this.items.push({ value, bytes });
    this.bytes += bytes;
  }

  /** The next message; rejects with `ConnectionClosedError` once closed and drained. */
  next(): Promise<T> {
    const item = this.items.shift();
    if (item) {
      this.bytes -= item.bytes;
      return Promise.resolve(item.value);
    }
    if (this.closeInfo) return Promise.reject(new ConnectionClosedError(this.closeInfo));
    return new Promise<T>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * The next step of a `for await` loop: the next message, or done once closed and drained. The
   * promise resolves with the iterator result directly (no second promise per message).
   */
  nextResult(): Promise<IteratorResult<T, undefined>> {
    const item = this.items.shift();
    if (item) {
      this.bytes -= item.bytes;
      return Promise.resolve({ done: false, value: item.value });
    }
    if (this.closeInfo) return Promise.resolve(DONE);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Moves every queued message out (for a new Observable subscriber). */
  drain(): T[] {
    const values = this.items.map((item) => item.value);
    this.items = [];
    this.bytes = 0;
    return values;
  }

  /** Ends the queue: waiting readers reject; queued messages can still be read. */
  close(info: CloseInfo): void {
    this.closeInfo = info;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (typeof waiter === 'function') waiter(DONE);
      else waiter.reject(new ConnectionClosedError(info));
    }
  }
}
