import type { ClientClock } from '../../../src/client/client-clock.js';

/** A clock that moves only when the test says so. */
export class ManualClock implements ClientClock {
  private time = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  set(callback: () => void, ms: number): unknown {
    this.seq += 1;
    this.timers.set(this.seq, { at: this.time + ms, callback });
    return this.seq;
  }

  clear(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Delays of the timers now pending, from now. */
  pending(): number[] {
    return [...this.timers.values()].map((timer) => timer.at - this.time);
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}
