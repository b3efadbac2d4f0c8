import type { BroadcastReceivers } from './broadcast-driver.js';
import { BroadcastLedger } from './broadcast-ledger.js';
import { DeliveryCounter } from './delivery-counter.js';
import type { LatencyHistogram } from './histogram.js';

/** Receivers whose sockets this thread reads: each socket reports its messages to {@link received}. */
export class LocalReceivers implements BroadcastReceivers {
  readonly ledger = new BroadcastLedger();
  private readonly counter: DeliveryCounter;
  private onComplete: (seq: number) => void = () => undefined;

  constructor(readonly count: number) {
    this.counter = new DeliveryCounter(this.ledger, count, (seq) => this.onComplete(seq));
  }

  /** Receiver `receiver` got its next message (or `messages` of them at once, in order). */
  received(receiver: number, messages = 1): void {
    this.counter.received(receiver, messages);
  }

  begin(onComplete: (seq: number) => void): Promise<void> {
    this.ledger.reset();
    this.counter.reset();
    this.onComplete = onComplete;
    return Promise.resolve();
  }

  tally(): Promise<{ deliveries: number; histogram: LatencyHistogram }> {
    return Promise.resolve({
      deliveries: this.counter.deliveries,
      histogram: this.counter.histogram,
    });
  }
}
