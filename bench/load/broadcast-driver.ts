import { performance } from 'node:perf_hooks';
import { LEDGER_SLOTS, type BroadcastLedger } from './broadcast-ledger.js';
import type { LatencyHistogram, LatencySummary } from './histogram.js';
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
  /** The phase's latencies, to merge phases (interleaved rounds) into one distribution. */
  readonly histogram: LatencyHistogram;
}

/** The receiving side of a broadcast phase: sockets in this thread or in worker threads. */
export interface BroadcastReceivers {
  /** The ledger the driver publishes into and the receivers count arrivals in. */
  readonly ledger: BroadcastLedger;
  /** How many receivers every broadcast must reach. */
  readonly count: number;
  /** Starts a phase: counts and latencies start afresh; `onComplete` hears each completed broadcast. */
  begin(onComplete: (seq: number) => void): Promise<void>;
  /** Deliveries and latencies counted since {@link begin}. */
  tally(): Promise<{ readonly deliveries: number; readonly histogram: LatencyHistogram }>;
}

/**
 * Drives broadcasts through a server process with a bounded number in flight: a new broadcast
 * is asked for as soon as one has reached every receiver.
 */
export class BroadcastDriver {
  private sent = 0;
  private completed = 0;
  private deadline = 0;
  private lastCompletion = 0;
  private finish: (() => void) | undefined;

  /** @param server what asks for each broadcast: a contender's server process. */
  constructor(
    private readonly server: Pick<ServerProcess, 'broadcast'>,
    private readonly receivers: BroadcastReceivers,
    private readonly window: number,
    private readonly size: number,
  ) {
    if (window > LEDGER_SLOTS) throw new RangeError(`At most ${LEDGER_SLOTS} broadcasts in flight`);
  }

  /** Broadcasts for `durationMs`, then waits (up to `settleMs`) for the stragglers. */
  async run(durationMs: number, settleMs = 10_000): Promise<BroadcastOutcome> {
    await this.receivers.begin(() => this.complete());
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
    const end = this.completed === this.sent ? this.lastCompletion : performance.now();
    const { deliveries, histogram } = await this.receivers.tally();
    return {
      broadcasts: this.sent,
      deliveries,
      lost: this.sent * this.receivers.count - deliveries,
      elapsed: Math.max(end - start, 1) / 1000,
      latency: histogram.summary(),
      histogram,
    };
  }

  private complete(): void {
    this.completed += 1;
    this.lastCompletion = performance.now();
    this.pump();
  }

  private pump(): void {
    const now = performance.now();
    while (this.sent - this.completed < this.window && now < this.deadline) {
      this.receivers.ledger.publish(this.sent, this.receivers.count);
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
