import type { BroadcastLedger } from './broadcast-ledger.js';
import { sharedClockMs } from './broadcast-ledger.js';
import { LatencyHistogram } from './histogram.js';

/**
 * Counts what a set of receivers got, in the thread that reads their sockets. Messages to one
 * receiver arrive in order, so a receiver's n-th message since {@link reset} is broadcast n;
 * each arrival records its publish-to-receive latency, and the arrival that completes a
 * broadcast (across every thread sharing the ledger) calls `onComplete`.
 */
export class DeliveryCounter {
  private counts: Uint32Array;
  private latencies = new LatencyHistogram();
  private delivered = 0;

  constructor(
    private readonly ledger: BroadcastLedger,
    receivers: number,
    private readonly onComplete: (seq: number) => void,
  ) {
    this.counts = new Uint32Array(receivers);
  }

  /** Deliveries counted since the last reset. */
  get deliveries(): number {
    return this.delivered;
  }

  /** Their latencies. */
  get histogram(): LatencyHistogram {
    return this.latencies;
  }

  /** Receiver `receiver` got its next message (or `messages` of them at once, in order). */
  received(receiver: number, messages = 1): void {
    const sent = this.ledger.sent;
    for (let n = 0; n < messages; n++) {
      const seq = this.counts[receiver]++;
      if (seq >= sent) continue;
      this.latencies.recordMs(sharedClockMs() - this.ledger.sentAtMs(seq));
      this.delivered += 1;
      if (this.ledger.arrive(seq)) this.onComplete(seq);
    }
  }

  /** Starts a new phase: every receiver's next message is broadcast 0. */
  reset(): void {
    this.counts.fill(0);
    this.latencies = new LatencyHistogram();
    this.delivered = 0;
  }
}
