/**
 * Counts a connection's bad frames in a fixed window: past `limit` within `windowMs` the
 * connection has spent its budget (and is closed with 1008).
 */
export class BadMessageBudget {
  private windowStart = 0;
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records one bad frame; false once the budget is spent. */
  spend(now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count += 1;
    return this.count <= this.limit;
  }
}
