import { performance } from 'node:perf_hooks';

/** Broadcasts that can be in flight at once (a power of two: slots are reused round the ring). */
export const LEDGER_SLOTS = 1024;

const SENT = 0;
const HEADER_INTS = 2;

/** Milliseconds on a clock every thread of the process reads alike. */
export function sharedClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * What every receiving thread needs to know about the broadcasts in flight, in shared memory: how
 * many were sent, when each was sent and how many receivers each still waits for. The driver
 * writes a slot before it asks the server to broadcast; any thread's receivers count arrivals
 * into it, and exactly one of them sees a broadcast's last arrival.
 */
export class BroadcastLedger {
  private readonly header: Int32Array;
  private readonly remaining: Int32Array;
  private readonly sentAt: Float64Array;

  /** @param buffer the memory of a ledger made in another thread (omit: a new ledger). */
  constructor(
    readonly buffer = new SharedArrayBuffer(
      Float64Array.BYTES_PER_ELEMENT * LEDGER_SLOTS +
        Int32Array.BYTES_PER_ELEMENT * (LEDGER_SLOTS + HEADER_INTS),
    ),
  ) {
    this.sentAt = new Float64Array(buffer, 0, LEDGER_SLOTS);
    const ints = Float64Array.BYTES_PER_ELEMENT * LEDGER_SLOTS;
    this.header = new Int32Array(buffer, ints, HEADER_INTS);
    this.remaining = new Int32Array(
      buffer,
      ints + Int32Array.BYTES_PER_ELEMENT * HEADER_INTS,
      LEDGER_SLOTS,
    );
  }

  /** Broadcasts published since the last {@link reset}. */
  get sent(): number {
    return Atomics.load(this.header, SENT);
  }

  /** Records broadcast `seq` (the next one) as sent now, awaited by `receivers`. */
  publish(seq: number, receivers: number): void {
    const slot = seq & (LEDGER_SLOTS - 1);
    this.sentAt[slot] = sharedClockMs();
    Atomics.store(this.remaining, slot, receivers);
    Atomics.store(this.header, SENT, seq + 1);
  }

  /** When broadcast `seq` was sent, on {@link sharedClockMs}. */
  sentAtMs(seq: number): number {
    return this.sentAt[seq & (LEDGER_SLOTS - 1)];
  }

  /** One receiver got broadcast `seq`; true for the arrival that completes it. */
  arrive(seq: number): boolean {
    return Atomics.sub(this.remaining, seq & (LEDGER_SLOTS - 1), 1) === 1;
  }

  /** Starts numbering broadcasts from 0 again (between phases, with nothing in flight). */
  reset(): void {
    Atomics.store(this.header, SENT, 0);
  }
}
