/** Reconnect policy: exponential backoff with full jitter. Every field in milliseconds. */
export interface ReconnectOptions {
  /** Reconnect at all. Default true. */
  readonly enabled?: boolean;
  /** Upper bound of the first delay. Default 500. */
  readonly initialDelayMs?: number;
  /** Largest delay bound (the cap). Default 30 000. */
  readonly maxDelayMs?: number;
  /** Growth of the bound per failed attempt. Default 2. */
  readonly factor?: number;
  /** A connection open this long resets the backoff. Default 10 000. */
  readonly stableAfterMs?: number;
}

/** {@link ReconnectOptions} with defaults. */
export type ResolvedReconnectOptions = Required<ReconnectOptions>;

/** Fills the defaults of a reconnect policy. */
export function resolveReconnect(
  options: ReconnectOptions | boolean = {},
): ResolvedReconnectOptions {
  const given = typeof options === 'boolean' ? { enabled: options } : options;
  return {
    enabled: given.enabled ?? true,
    initialDelayMs: Math.max(0, given.initialDelayMs ?? 500),
    maxDelayMs: Math.max(0, given.maxDelayMs ?? 30_000),
    factor: Math.max(1, given.factor ?? 2),
    stableAfterMs: Math.max(0, given.stableAfterMs ?? 10_000),
  };
}

/**
 * Full-jitter backoff: the n-th delay (n from 0) is uniform in
 * `[0, min(maxDelayMs, initialDelayMs × factor^n))`, so clients dropped together spread out
 * instead of reconnecting in waves. `random` is injectable (tests), `Math.random` by default.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: ResolvedReconnectOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** Failed attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The bound of the next delay. */
  bound(): number {
    const { initialDelayMs, maxDelayMs, factor } = this.options;
    return Math.min(maxDelayMs, initialDelayMs * factor ** Math.min(this.attempt, 64));
  }

  /** The next delay, and counts the attempt. */
  next(): number {
    const delay = Math.floor(this.random() * this.bound());
    this.attempt += 1;
    return Math.min(delay, this.options.maxDelayMs);
  }

  /** Starts again from the first delay (after a stable connection). */
  reset(): void {
    this.attempt = 0;
  }
}
