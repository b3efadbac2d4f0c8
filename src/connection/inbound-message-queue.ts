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
  /** The waiting reader: there is one at a time in every ordinary read loop. */
  private waiter: Waiter<T> | IteratorWaiter<T> | undefined;
  /** Readers that started waiting while another one already was (rare), in order. */
  private moreWaiters: (Waiter<T> | IteratorWaiter<T>)[] | undefined;
  private closeInfo: CloseInfo | undefined;
  /** Bytes queued. */
  bytes = 0;

  /** Hands a message to a waiting reader or queues it. */
  push(value: T, bytes: number): void {
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = this.moreWaiters?.shift();
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
    return new Promise<T>((resolve, reject) => this.wait({ resolve, reject }));
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
    return new Promise((resolve) => this.wait(resolve));
  }

  private wait(waiter: Waiter<T> | IteratorWaiter<T>): void {
    if (this.waiter === undefined) this.waiter = waiter;
    else (this.moreWaiters ??= []).push(waiter);
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
    const waiters = this.waiter === undefined ? [] : [this.waiter, ...(this.moreWaiters ?? [])];
    this.waiter = undefined;
    this.moreWaiters = undefined;
    for (const waiter of waiters) {
      if (typeof waiter === 'function') waiter(DONE);
      else waiter.reject(new ConnectionClosedError(info));
    }
  }
}
