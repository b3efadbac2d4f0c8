/**
 * Registry writes of a cluster adapter, kept in order: a write runs at once when nothing is
 * queued and it waits for nothing, otherwise after `after` (e.g. a room subscription) and every
 * write queued before it. A wait that fails does not block the writes behind it; a write queued
 * while the adapter was running is skipped once `active()` says it stopped.
 */
export class OrderedWrites {
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(private readonly active: () => boolean) {}

  /** Runs `apply` now, or after `after` and every write queued before it. */
  run(after: Promise<void> | undefined, apply: () => void): void {
    if (!after && this.queued === 0) {
      apply();
      return;
    }
    this.queued += 1;
    this.chain = this.chain
      .then(() => after)
      .catch(() => undefined)
      .then(() => {
        if (this.active()) apply();
      })
      .finally(() => {
        this.queued -= 1;
      });
  }
}
