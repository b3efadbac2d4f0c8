import { performance } from 'node:perf_hooks';
import { LatencyHistogram, type LatencySummary } from './histogram.js';
import type { ServerProcess } from './server-process.js';

/** What one broadcast phase achieved. */
export interface BroadcastOutcome {
  readonly broadcasts: number;
  readonly deliveries: number;
  /** Deliveries that never arrived (dropped or still missing at the end). */
  readonly lost: number;
  /** Seconds from the first broadcast to the last delivery. */
  readonly elapsed: number;
  readonly latency: LatencySummary;
}

/**
 * Drives broadcasts through a server process with a bounded number in flight: a new broadcast
 * is asked for as soon as one has reached every receiver. Receivers report each message they
 * get; messages to one receiver arrive in order, so the n-th message is broadcast n.
 */
export class BroadcastDriver {
  private readonly counts: Uint32Array;
  private readonly sentAt: number[] = [];
  private readonly pending: number[] = [];
  private sent = 0;
  private completed = 0;
  private deliveries = 0;
  private deadline = 0;
  private lastDelivery = 0;
  private finish: (() => void) | undefined;

  /**
   * @param histogram where latencies go; pass one shared histogram to accumulate several phases
   *   (interleaved rounds) into one distribution.
   */
  constructor(
    private readonly server: ServerProcess,
    private readonly receivers: number,
    private readonly window: number,
    private readonly size: number,
    private readonly histogram = new LatencyHistogram(),
  ) {
    this.counts = new Uint32Array(receivers);
  }

  /** A receiver got its next message (or `messages` of them at once, in order). */
  received(receiver: number, messages = 1): void {
    for (let n = 0; n < messages; n++) {
      const k = this.counts[receiver]++;
      if (k >= this.sent) continue;
      const now = performance.now();
      this.lastDelivery = now;
      this.histogram.recordMs(now - this.sentAt[k]);
      this.deliveries += 1;
      this.pending[k] -= 1;
      if (this.pending[k] === 0) {
        this.completed += 1;
        this.pump();
      }
    }
  }

  /** Broadcasts for `durationMs`, then waits (up to `settleMs`) for the stragglers. */
  async run(durationMs: number, settleMs = 10_000): Promise<BroadcastOutcome> {
    const start = performance.now();
    this.deadline = start + durationMs;
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    const tick = setInterval(() => this.pump(), 5);
    this.pump();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, durationMs + settleMs))),
    ]);
    clearTimeout(timer);
    clearInterval(tick);
    this.deadline = 0;
    const end = this.completed === this.sent ? this.lastDelivery : performance.now();
    return {
      broadcasts: this.sent,
      deliveries: this.deliveries,
      lost: this.sent * this.receivers - this.deliveries,
      elapsed: Math.max(end - start, 1) / 1000,
      latency: this.histogram.summary(),
    };
  }

  private pump(): void {
    const now = performance.now();
    while (this.sent - this.completed < this.window && now < this.deadline) {
      this.sentAt.push(performance.now());
      this.pending.push(this.receivers);
      this.server.broadcast(this.sent, this.size);
      this.sent += 1;
    }
    if (now >= this.deadline && this.completed === this.sent && this.finish) {
      const finish = this.finish;
      this.finish = undefined;
      finish();
    }
  }
}
