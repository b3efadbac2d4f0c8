/** A connection the heartbeat visits. */
export interface HeartbeatMember {
  /** Called on every tick (`tick` counts ticks): ping when due, drop the peer when its pong is overdue. */
  heartbeat(tick: number): void;
}

/**
 * One timer for every connection's heartbeat (instead of a ping interval and a pong timeout per
 * connection): each tick visits the members (the transport's set of open connections, not a set
 * of its own), which keep their own deadlines. The tick is a
 * quarter of the shorter of `pingPeriod` and `pongWait`, between 50 ms and 1 s, so a dead peer is
 * dropped within `pingPeriod + pongWait` plus at most two ticks.
 *
 * Time is counted in ticks (a small integer), so marking a connection alive on every inbound
 * frame is one field write: no clock read, no boxed timestamp per connection.
 */
export class HeartbeatScheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly tickMs: number;
  /** Ticks without a sign of life before a ping is sent. */
  readonly pingAfterTicks: number;
  /** Ticks a ping may stay unanswered. */
  readonly pongWaitTicks: number;
  /** Ticks elapsed; advances while the timer runs. */
  ticks = 0;

  constructor(
    pingPeriod: number,
    pongWait: number,
    private readonly members: ReadonlySet<HeartbeatMember>,
  ) {
    this.tickMs = Math.max(50, Math.min(1_000, Math.floor(Math.min(pingPeriod, pongWait) / 4)));
    this.pingAfterTicks = Math.max(1, Math.round(pingPeriod / this.tickMs));
    this.pongWaitTicks = Math.max(1, Math.round(pongWait / this.tickMs));
  }

  /** Starts ticking (an unref'd timer: it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const tick = ++this.ticks;
    if (this.members.size === 0) return;
    for (const member of this.members) member.heartbeat(tick);
  }
}
